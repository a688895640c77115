using Dapper;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Hub.Audit.V1;
using Hub.Core.Validation;
using Hub.Server.Infrastructure.Postgres;
using Hub.Signing.Merkle;
using Npgsql;

namespace Hub.Server.Audit;

/// <summary>
/// <see cref="IAuditStore"/> in PostgreSQL: <c>access_log</c>, <c>checkpoints</c> and <c>merkle_nodes</c>. The pages
/// people read (the log's listings, a holder's history) come from <see cref="StandbyReads"/>; checkpoints, proofs and
/// entries for verification from the primary, so a proof never names a tree the reader's node has not seen.
/// </summary>
public sealed class PostgresAuditStore(NpgsqlDataSource dataSource, StandbyReads standbyReads) : IAuditStore
{
    private const string EntryColumns = """
        SELECT a.log_index AS LogIndex, a.entry_json AS EntryJson, a.occurred_at AS OccurredAt, a.caller_id AS CallerId,
               a.action AS Action, a.purpose AS Purpose, a.matter_code AS MatterCode, a.case_number AS CaseNumber,
               a.object_type AS ObjectType, a.object_id AS ObjectId, a.fields AS Fields, a.outcome AS Outcome,
               c.org_code AS OrgCode, c.org_name AS OrgName, c.system_name AS SystemName,
               a.delegation_id AS DelegationId, d.delegate_label AS DelegateLabel
        FROM access_log a LEFT JOIN callers c ON c.caller_id = a.caller_id
             LEFT JOIN delegations d ON d.delegation_id = a.delegation_id
        """;

    public async Task<(IReadOnlyList<Hub.Audit.V1.AccessLogEntry> Entries, string NextPageToken)> QueryAsync(
        AccessLogFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        const string sql = EntryColumns + """
             WHERE (@callerId::uuid IS NULL OR a.caller_id = @callerId)
               AND (@holderIndex::bytea IS NULL OR a.holder_index = @holderIndex)
               AND (@from::timestamptz IS NULL OR a.occurred_at >= @from)
               AND (@to::timestamptz IS NULL OR a.occurred_at < @to)
               AND (@action::text IS NULL OR a.action = @action)
               AND (@matter::text IS NULL OR a.matter_code = @matter)
               AND (@before::bigint IS NULL OR a.log_index < @before)
             ORDER BY a.log_index DESC
             LIMIT @limit
            """;
        return await PageAsync(sql, new
        {
            callerId = filter.CallerId,
            holderIndex = filter.HolderIndex,
            from = filter.From,
            to = filter.To,
            action = filter.Action,
            matter = filter.MatterCode,
            before = Cursor(page),
            limit = page.Size + 1,
        }, page.Size, cancellationToken);
    }

    public async Task<(IReadOnlyList<Hub.Audit.V1.AccessLogEntry> Entries, string NextPageToken)> HolderHistoryAsync(
        byte[] holderIndex, PageRequest page, CancellationToken cancellationToken)
    {
        const string sql = EntryColumns + """
             WHERE a.holder_index = @holderIndex AND (@before::bigint IS NULL OR a.log_index < @before)
             ORDER BY a.log_index DESC
             LIMIT @limit
            """;
        return await PageAsync(sql, new { holderIndex, before = Cursor(page), limit = page.Size + 1 }, page.Size, cancellationToken);
    }

    public async Task<GetCheckpointResponse?> LatestCheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CheckpointRow>(new CommandDefinition(
            """
            SELECT tree_size AS TreeSize, root_hash AS RootHash, body AS Body, signature AS Signature, key_id AS KeyId, created_at AS CreatedAt
            FROM checkpoints ORDER BY tree_size DESC LIMIT 1
            """,
            cancellationToken: cancellationToken));
        return row is null
            ? null
            : new GetCheckpointResponse
            {
                Checkpoint = row.Body,
                Signature = ByteString.CopyFrom(row.Signature),
                KeyId = row.KeyId,
                TreeSize = (ulong)row.TreeSize,
                RootHash = ByteString.CopyFrom(row.RootHash),
                CreatedAt = Timestamp.FromDateTime(DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)),
            };
    }

    public async Task<(IReadOnlyList<byte[]> Proof, byte[] LeafHash)> InclusionProofAsync(long index, long treeSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await PostgresMerkleStore.ComputeAsync(
            connection, null, nodes => ((IReadOnlyList<byte[]>)MerkleTree.InclusionProof(index, treeSize, nodes), nodes.Node(0, index)), cancellationToken);
    }

    public async Task<IReadOnlyList<byte[]>> ConsistencyProofAsync(long fromSize, long toSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await PostgresMerkleStore.ComputeAsync(connection, null, nodes => (IReadOnlyList<byte[]>)MerkleTree.ConsistencyProof(fromSize, toSize, nodes), cancellationToken);
    }

    public async Task<IReadOnlyList<EntryWithLeaf>> EntriesAsync(long fromIndex, int count, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.log_index AS LogIndex, a.entry_json AS EntryJson, n.hash AS Checkpointed
            FROM access_log a LEFT JOIN merkle_nodes n ON n.level = 0 AND n.idx = a.log_index
            WHERE a.log_index >= @from AND a.log_index < @to
            ORDER BY a.log_index
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long LogIndex, string EntryJson, byte[]? Checkpointed)>(new CommandDefinition(
            sql, new { from = fromIndex, to = fromIndex + count }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => new EntryWithLeaf
        {
            LogIndex = (ulong)r.LogIndex,
            EntryJson = r.EntryJson,
            CheckpointedLeafHash = r.Checkpointed is null ? ByteString.Empty : ByteString.CopyFrom(r.Checkpointed),
        })];
    }

    private static long? Cursor(PageRequest page) =>
        page.Cursor is { } cursor && long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var before) ? before : null;

    private async Task<(IReadOnlyList<Hub.Audit.V1.AccessLogEntry> Entries, string Next)> PageAsync(string sql, object parameters, int pageSize, CancellationToken cancellationToken)
    {
        await using var connection = await standbyReads.DataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<EntryRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(pageSize).Select(r => r.ToMessage()).ToList();
        return (page, rows.Count > pageSize ? PageRequest.EncodeToken(page[^1].LogIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)) : string.Empty);
    }

    private sealed class CheckpointRow
    {
        public long TreeSize { get; init; }

        public byte[] RootHash { get; init; } = [];

        public string Body { get; init; } = string.Empty;

        public byte[] Signature { get; init; } = [];

        public string KeyId { get; init; } = string.Empty;

        public DateTime CreatedAt { get; init; }
    }

    private sealed class EntryRow
    {
        public long LogIndex { get; init; }

        public string EntryJson { get; init; } = string.Empty;

        public DateTime OccurredAt { get; init; }

        public Guid CallerId { get; init; }

        public string Action { get; init; } = string.Empty;

        public string? Purpose { get; init; }

        public string? MatterCode { get; init; }

        public string? CaseNumber { get; init; }

        public string? ObjectType { get; init; }

        public string? ObjectId { get; init; }

        public string[] Fields { get; init; } = [];

        public string Outcome { get; init; } = string.Empty;

        public string? OrgCode { get; init; }

        public string? OrgName { get; init; }

        public string? SystemName { get; init; }

        public Guid? DelegationId { get; init; }

        public string? DelegateLabel { get; init; }

        public Hub.Audit.V1.AccessLogEntry ToMessage() => new()
        {
            LogIndex = (ulong)LogIndex,
            EntryJson = EntryJson,
            OccurredAt = Timestamp.FromDateTime(DateTime.SpecifyKind(OccurredAt, DateTimeKind.Utc)),
            CallerId = CallerId.ToString(),
            Action = Action,
            Purpose = Purpose ?? string.Empty,
            MatterCode = MatterCode ?? string.Empty,
            CaseNumber = CaseNumber ?? string.Empty,
            ObjectType = ObjectType ?? string.Empty,
            ObjectId = ObjectId ?? string.Empty,
            Fields = { Fields },
            Outcome = Outcome,
            CallerOrgCode = OrgCode ?? string.Empty,
            CallerOrgName = OrgName ?? string.Empty,
            CallerSystemName = SystemName ?? string.Empty,
            DelegationId = DelegationId?.ToString() ?? string.Empty,
            DelegateLabel = DelegateLabel ?? string.Empty,
        };
    }
}
