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
        Member(json, "action", record.Action, first: true);
        Member(json, "caller_id", record.CallerId.ToString());
        Member(json, "case_number", record.CaseNumber);
        Member(json, "delegation_id", record.DelegationId?.ToString());
        if (record.Fields.Count > 0)
        {
            json.Append(",\"fields\":[");
            for (var i = 0; i < record.Fields.Count; i++)
            {
                CanonicalJson.AppendString(i == 0 ? json : json.Append(','), record.Fields[i]);
            }

            json.Append(']');
        }

        Member(json, "format", Format);
        Member(json, "holder_index", record.HolderIndex is null ? null : Convert.ToHexStringLower(record.HolderIndex));

        // A log index is far below 2^53, so its ECMAScript number form is its decimal digits.
        json.Append(",\"log_index\":").Append(logIndex.ToString(CultureInfo.InvariantCulture));
        Member(json, "matter_code", record.MatterCode);
        Member(json, "object_id", record.ObjectId);
        Member(json, "object_type", record.ObjectType);
        Member(json, "occurred_at", occurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        Member(json, "outcome", record.Outcome, required: true);
        Member(json, "purpose", record.Purpose);
        return json.Append('}').ToString();
    }

    public static byte[] LeafHash(string entryJson)
    {
        var hasher = Sm3Hasher.Create();
        hasher.Append([0x00]);
        var length = Encoding.UTF8.GetByteCount(entryJson);
        var rented = length <= 1024 ? null : System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        Span<byte> utf8 = rented ?? stackalloc byte[1024];
        hasher.Append(utf8[..Encoding.UTF8.GetBytes(entryJson, utf8)]);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }

        var leaf = new byte[Sm3.HashSize];
        hasher.Finish(leaf);
        return leaf;
    }

    private static void Member(StringBuilder json, string name, string? value, bool first = false, bool required = false)
    {
        // Optional members are omitted when empty; action and outcome are always present (the first written opens the object).
        if (string.IsNullOrEmpty(value) && !(first || required))
        {
            return;
        }

        CanonicalJson.AppendString(first ? json : json.Append(','), name).Append(':');
        CanonicalJson.AppendString(json, value ?? string.Empty);
    }
}
