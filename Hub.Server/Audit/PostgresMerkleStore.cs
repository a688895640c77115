using Dapper;
using Hub.Core.Access;
using Hub.Signing.Merkle;
using Npgsql;

namespace Hub.Server.Audit;

/// <summary>
/// The Merkle tree's complete-subtree hashes in PostgreSQL. Extending the tree adds about one node per leaf; a proof
/// or root reads O(log n) nodes in one query (the nodes needed are found by a dry run of the same math).
/// </summary>
internal static class PostgresMerkleStore
{
    /// <summary>Size of the tree the stored nodes describe: the leaves at level 0.</summary>
    public static async Task<long> StoredSizeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(max(idx) + 1, 0) FROM merkle_nodes WHERE level = 0", transaction: transaction, cancellationToken: cancellationToken));

    /// <summary>Runs tree math over stored nodes: a dry run collects the nodes it needs, one query loads them.</summary>
    public static async Task<T> ComputeAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, Func<IMerkleNodeSource, T> compute, CancellationToken cancellationToken,
        IReadOnlyDictionary<(int Level, long Index), byte[]>? overlay = null)
    {
        var recorder = new RecordingSource();
        compute(recorder);
        var missing = recorder.Keys.Where(k => overlay?.ContainsKey(k) != true).ToList();
        var loaded = await LoadAsync(connection, transaction, missing, cancellationToken);
        var source = new DictionarySource(loaded, overlay);
        return compute(source);
    }

    /// <summary>
    /// Adds the nodes for leaves [fromSize, toSize) computed from the entries' canonical JSON. Returns the new leaves'
    /// index of the first entry whose stored leaf hash disagrees with its JSON, or null when all agree (only then
    /// are nodes written).
    /// </summary>
    public static async Task<long?> ExtendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long fromSize, long toSize, CancellationToken cancellationToken)
    {
        const string entriesSql = """
            SELECT log_index AS LogIndex, entry_json AS EntryJson, leaf_hash AS LeafHash
            FROM access_log WHERE log_index >= @fromSize AND log_index < @toSize ORDER BY log_index
            """;
        var entries = (await connection.QueryAsync<EntryRow>(new CommandDefinition(entriesSql, new { fromSize, toSize }, transaction, cancellationToken: cancellationToken))).ToList();
        var nodes = new Dictionary<(int Level, long Index), byte[]>();
        var leaves = AccessEntryFormat.LeafHashes([.. entries.Select(e => e.EntryJson)]);
        for (var i = 0; i < entries.Count; i++)
        {
            var expectedIndex = fromSize + i;
            var leaf = leaves[i];
            if (entries[i].LogIndex != expectedIndex || !leaf.AsSpan().SequenceEqual(entries[i].LeafHash))
            {
                return Math.Min(entries[i].LogIndex, expectedIndex);
            }

            nodes[(0, expectedIndex)] = leaf;
        }

        if (entries.Count != toSize - fromSize)
        {
            return fromSize + entries.Count;
        }

        // New parents at level+1 are [fromSize >> (level+1), toSize >> (level+1)); only the first one's left child
        // can predate this extension, so at most one older node per level is read.
        var needed = new List<(int Level, long Index)>();
        for (var level = 0; toSize >> (level + 1) > 0; level++)
        {
            var firstParent = fromSize >> (level + 1);
            if (firstParent < toSize >> (level + 1) && (((2 * firstParent) + 1) << level) <= fromSize)
            {
                needed.Add((level, 2 * firstParent));
            }
        }

        var older = await LoadAsync(connection, transaction, needed, cancellationToken);
        foreach (var (key, hash) in older)
        {
            nodes[key] = hash;
        }

        var created = new List<(int Level, long Index, byte[] Hash)>();
        foreach (var ((_, index), hash) in nodes.Where(n => n.Key.Level == 0 && n.Key.Index >= fromSize).ToList())
        {
            created.Add((0, index, hash));
        }

        for (var level = 0; ; level++)
        {
            var firstParent = (fromSize >> (level + 1));
            var lastParentExclusive = toSize >> (level + 1);
            if (lastParentExclusive == 0)
            {
                break;
            }

            for (var parent = firstParent; parent < lastParentExclusive; parent++)
            {
                if (nodes.ContainsKey((level + 1, parent)))
                {
                    continue;
                }

                var hash = MerkleTree.NodeHash(nodes[(level, parent * 2)], nodes[(level, (parent * 2) + 1)]);
                nodes[(level + 1, parent)] = hash;
                created.Add((level + 1, parent, hash));
            }
        }

        const string insert = """
            INSERT INTO merkle_nodes (level, idx, hash)
            SELECT * FROM unnest(@levels::smallint[], @indexes::bigint[], @hashes::bytea[])
            ON CONFLICT DO NOTHING
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            insert,
            new
            {
                levels = created.Select(c => (short)c.Level).ToArray(),
                indexes = created.Select(c => c.Index).ToArray(),
                hashes = created.Select(c => c.Hash).ToArray(),
            },
            transaction,
            cancellationToken: cancellationToken));
        return null;
    }

    private static async Task<Dictionary<(int Level, long Index), byte[]>> LoadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, List<(int Level, long Index)> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        const string sql = """
            SELECT n.level AS Level, n.idx AS Idx, n.hash AS Hash
            FROM unnest(@levels::smallint[], @indexes::bigint[]) AS k(level, idx)
            JOIN merkle_nodes n ON n.level = k.level AND n.idx = k.idx
            """;
        var rows = await connection.QueryAsync<(short Level, long Idx, byte[] Hash)>(new CommandDefinition(
            sql,
            new { levels = keys.Select(k => (short)k.Level).ToArray(), indexes = keys.Select(k => k.Index).ToArray() },
            transaction,
            cancellationToken: cancellationToken));
        return rows.ToDictionary(r => ((int)r.Level, r.Idx), r => r.Hash);
    }

    private sealed class RecordingSource : IMerkleNodeSource
    {
        public HashSet<(int Level, long Index)> Keys { get; } = [];

        public byte[] Node(int level, long index)
        {
            Keys.Add((level, index));
            return new byte[MerkleTree.HashSize];
        }
    }

    private sealed class DictionarySource(
        IReadOnlyDictionary<(int Level, long Index), byte[]> nodes, IReadOnlyDictionary<(int Level, long Index), byte[]>? overlay) : IMerkleNodeSource
    {
        public byte[] Node(int level, long index) =>
            overlay?.GetValueOrDefault((level, index)) ?? nodes.GetValueOrDefault((level, index))
            ?? throw new InvalidOperationException($"Merkle node ({level}, {index}) is missing: the tree was not extended that far.");
    }

    private sealed class EntryRow
    {
        public long LogIndex { get; init; }

        public string EntryJson { get; init; } = string.Empty;

        public byte[] LeafHash { get; init; } = [];
    }
}
