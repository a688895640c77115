using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Hub.Core.Access;
using Hub.Signing.Json;
using Hub.Signing.Sm2;

namespace Hub.Tests.Unit;

/// <summary>
/// The log entry's JSON is written member by member for speed; it must stay byte for byte what canonicalizing the
/// entry as a JSON object gives (RFC 8785), since receipts, auditors and the offline tools recompute its leaf hash.
/// </summary>
[Trait("Category", "Unit")]
public sealed class AccessEntryFormatUnitTests
{
    private static readonly string[] Texts =
    [
        string.Empty, "食品经营许可审批", "a\"b\\c", "tab\there\nnew\rline\b\f", "\u0001\u001f\u007f", "😀 surrogate", "</script>&'",
        new string('证', 600), "plain",
    ];

    [Fact]
    public void EveryEntry_IsTheCanonicalJsonOfItsMembers_AndTheLeafIsSm3OfZeroAndItsBytes()
    {
        var random = new Random(20261206);
        var jsons = new List<string>();
        for (var i = 0; i < 2000; i++)
        {
            var record = new AccessRecord
            {
                CallerId = new Guid(Bytes(random, 16)),
                Action = Pick(random, required: true)!,
                Outcome = Pick(random, required: true)!,
                ObjectType = Pick(random),
                ObjectId = Pick(random),
                HolderIndex = random.Next(3) == 0 ? null : Bytes(random, random.Next(0, 33)),
                Purpose = Pick(random),
                MatterCode = Pick(random),
                CaseNumber = Pick(random),
                DelegationId = random.Next(2) == 0 ? null : new Guid(Bytes(random, 16)),
                Fields = [.. Enumerable.Range(0, random.Next(0, 4)).Select(_ => Pick(random, required: true)!)],
            };
            var index = random.NextInt64(0, 1L << 53);
            var at = AccessEntryFormat.Truncate(DateTimeOffset.UnixEpoch.AddTicks(random.NextInt64(0, 1L << 62 >> 4)));

            var json = AccessEntryFormat.EntryJson(index, at, record);

            Assert.Equal(Reference(index, at, record), json);
            Assert.Equal(Sm3.Hash([[0x00], Encoding.UTF8.GetBytes(json)]), AccessEntryFormat.LeafHash(json));
            jsons.Add(json);
        }

        // The log writer and the checkpoint hash a batch of leaves at once: the same leaves, in the same order.
        var leaves = AccessEntryFormat.LeafHashes(jsons);
        Assert.Equal(jsons.Count, leaves.Length);
        for (var i = 0; i < jsons.Count; i++)
        {
            Assert.Equal(AccessEntryFormat.LeafHash(jsons[i]), leaves[i]);
        }

        Assert.Empty(AccessEntryFormat.LeafHashes([]));
    }

    // The entry as a JSON object, canonicalized by the general serializer: the definition the fast writer must match.
    private static string Reference(long index, DateTimeOffset at, AccessRecord record)
    {
        var entry = new JsonObject
        {
            ["format"] = AccessEntryFormat.Format,
            ["log_index"] = index,
            ["occurred_at"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["caller_id"] = record.CallerId.ToString(),
            ["action"] = record.Action,
            ["outcome"] = record.Outcome,
        };
        foreach (var (name, value) in new[]
        {
            ("object_type", record.ObjectType), ("object_id", record.ObjectId),
            ("holder_index", record.HolderIndex is null ? null : Convert.ToHexStringLower(record.HolderIndex)),
            ("purpose", record.Purpose), ("matter_code", record.MatterCode), ("case_number", record.CaseNumber),
            ("delegation_id", record.DelegationId?.ToString()),
        })
        {
            if (!string.IsNullOrEmpty(value))
            {
                entry[name] = value;
            }
        }

        if (record.Fields.Count > 0)
        {
            entry["fields"] = new JsonArray([.. record.Fields.Select(f => (JsonNode)f)]);
        }

        return CanonicalJson.Serialize(entry);
    }

    private static string? Pick(Random random, bool required = false) =>
        !required && random.Next(4) == 0 ? null : Texts[random.Next(Texts.Length)];

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
