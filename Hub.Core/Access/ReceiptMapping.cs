using Google.Protobuf;
using Hub.Common.V1;

namespace Hub.Core.Access;

/// <summary>Turns a log entry into the <see cref="Receipt"/> every disclosing response carries.</summary>
public static class ReceiptMapping
{
    public static Receipt ToReceipt(this AccessLogEntry entry) => new()
    {
        LogIndex = (ulong)entry.LogIndex,
        LeafHash = ByteString.CopyFrom(entry.LeafHash),
        EntryJson = entry.EntryJson,
    };
}
