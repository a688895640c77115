using System.Globalization;
using System.Text;
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
        // Written member by member in RFC 8785 order (names sorted by UTF-16 code units), absent members omitted: the
        // same bytes as canonicalizing the entry as a JSON object, without building one for every access.
        var json = new StringBuilder(384).Append('{');
        Required(json, "action", record.Action);
        Required(json, "caller_id", record.CallerId.ToString());
        Optional(json, "case_number", record.CaseNumber);
        Optional(json, "delegation_id", record.DelegationId?.ToString());
        if (record.Fields.Count > 0)
        {
            json.Append(",\"fields\":[");
            for (var i = 0; i < record.Fields.Count; i++)
            {
                CanonicalJson.AppendString(i == 0 ? json : json.Append(','), record.Fields[i]);
            }

            json.Append(']');
        }

        Required(json, "format", Format);
        Optional(json, "holder_index", record.HolderIndex is null ? null : Convert.ToHexStringLower(record.HolderIndex));

        // A log index is far below 2^53, so its ECMAScript number form is its decimal digits.
        json.Append(",\"log_index\":").Append(logIndex.ToString(CultureInfo.InvariantCulture));
        Optional(json, "matter_code", record.MatterCode);
        Optional(json, "object_id", record.ObjectId);
        Optional(json, "object_type", record.ObjectType);
        Required(json, "occurred_at", occurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Required(json, "outcome", record.Outcome);
        Optional(json, "purpose", record.Purpose);
        return json.Append('}').ToString();
    }

    /// <summary>
    /// The leaf hashes of many entries at once, each the same as <see cref="LeafHash"/> of that entry, computed
    /// eight at a time (<see cref="Sm3.HashMany"/>): the log writer hashes a cycle's entries and a checkpoint the
    /// leaves it adds this way.
    /// </summary>
    public static byte[][] LeafHashes(IReadOnlyList<string> entryJsons)
    {
        var count = entryJsons.Count;
        var total = count;
        for (var i = 0; i < count; i++)
        {
            total += Encoding.UTF8.GetByteCount(entryJsons[i]);
        }

        var data = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(total, 1));
        var ends = System.Buffers.ArrayPool<int>.Shared.Rent(Math.Max(count, 1));
        var hashes = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(count * Sm3.HashSize, 1));
        try
        {
            var end = 0;
            for (var i = 0; i < count; i++)
            {
                data[end++] = 0x00;
                end += Encoding.UTF8.GetBytes(entryJsons[i], data.AsSpan(end));
                ends[i] = end;
            }

            Sm3.HashMany(data.AsSpan(0, end), ends.AsSpan(0, count), hashes);
            var leaves = new byte[count][];
            for (var i = 0; i < count; i++)
            {
                leaves[i] = hashes.AsSpan(i * Sm3.HashSize, Sm3.HashSize).ToArray();
            }

            return leaves;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(data);
            System.Buffers.ArrayPool<int>.Shared.Return(ends);
            System.Buffers.ArrayPool<byte>.Shared.Return(hashes);
        }
    }

    /// <summary>The leaf hash of one entry: SM3(0x00 ‖ its UTF-8 JSON).</summary>
    public static byte[] LeafHash(string entryJson) => LeafHashes([entryJson])[0];

    /// <summary>An optional member: omitted when absent or empty.</summary>
    private static void Optional(StringBuilder json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            Required(json, name, value);
        }
    }

    private static void Required(StringBuilder json, string name, string value)
    {
        // Every member but the first (always "action") follows a comma.
        CanonicalJson.AppendString(json.Length > 1 ? json.Append(',') : json, name).Append(':');
        CanonicalJson.AppendString(json, value);
    }
}
