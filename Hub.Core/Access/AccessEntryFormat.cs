using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Hub.Signing.Json;
using Hub.Signing.Sm2;

namespace Hub.Core.Access;

/// <summary>
/// The canonical form of a log entry (RFC 8785 JSON, absent members omitted) and its Merkle leaf hash
/// SM3(0x00 ‖ UTF-8 entry JSON), as RFC 9162 defines leaves. Receipts and auditors recompute exactly this.
/// </summary>
public static class AccessEntryFormat
{
    public const string Format = "hub.access.v1";

    /// <summary>Timestamps are kept to the microsecond, PostgreSQL's precision, so the stored row and the JSON agree.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % 10), TimeSpan.Zero);

    public static string EntryJson(long logIndex, DateTimeOffset occurredAt, AccessRecord record)
    {
        var entry = new JsonObject
        {
            ["format"] = Format,
            ["log_index"] = logIndex,
            ["occurred_at"] = occurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["caller_id"] = record.CallerId.ToString(),
            ["action"] = record.Action,
            ["outcome"] = record.Outcome,
        };
        Add(entry, "object_type", record.ObjectType);
        Add(entry, "object_id", record.ObjectId);
        Add(entry, "holder_index", record.HolderIndex is null ? null : Convert.ToHexStringLower(record.HolderIndex));
        Add(entry, "purpose", record.Purpose);
        Add(entry, "matter_code", record.MatterCode);
        Add(entry, "case_number", record.CaseNumber);
        Add(entry, "delegation_id", record.DelegationId?.ToString());
        if (record.Fields.Count > 0)
        {
            entry["fields"] = new JsonArray([.. record.Fields.Select(f => (JsonNode)f)]);
        }

        return CanonicalJson.Serialize(entry);
    }

    public static byte[] LeafHash(string entryJson) => Sm3.Hash([0x00], Encoding.UTF8.GetBytes(entryJson));

    private static void Add(JsonObject entry, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            entry[name] = value;
        }
    }
}
