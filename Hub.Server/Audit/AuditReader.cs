using Dapper;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Hub.Audit.V1;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Licenses;
using Hub.Signing.Merkle;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Server.Audit;

/// <summary>
/// What auditors (and holders, through the portal) read from the access log: entries, checkpoints and proofs.
/// Reading the log about a holder is itself an access, and is logged.
/// </summary>
public sealed class AuditReader(NpgsqlDataSource dataSource, DataProtector protector, IAccessLog accessLog, IOptions<LicenseOptions> licenseOptions, TimeProvider time)
{
    public const int MaxEntriesPerCall = 1000;

    private const string EntryColumns = """
        SELECT a.log_index AS LogIndex, a.entry_json AS EntryJson, a.occurred_at AS OccurredAt, a.caller_id AS CallerId,
               a.action AS Action, a.purpose AS Purpose, a.matter_code AS MatterCode, a.case_number AS CaseNumber,
               a.object_type AS ObjectType, a.object_id AS ObjectId, a.fields AS Fields, a.outcome AS Outcome,
               c.org_code AS OrgCode, c.org_name AS OrgName, c.system_name AS SystemName
        FROM access_log a LEFT JOIN callers c ON c.caller_id = a.caller_id
        """;

    public async Task<Outcome<QueryAccessLogResponse>> QueryAsync(Caller caller, QueryAccessLogRequest request, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        Guid? callerId = null;
        if (request.CallerId.Length > 0)
        {
            callerId = Guid.TryParse(request.CallerId, out var id) ? id : null;
            if (callerId is null)
            {
                violations.Add("caller_id", "must be a caller_id");
            }
        }

        var holderIndex = request.Holder is null ? null : HolderIndex(request.Holder, violations);
        var action = violations.Text("action", request.Action, 100, required: false);
        var matter = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength, required: false);
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        violations.ThrowIfAny();

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
        var (entries, next) = await PageAsync(sql, new
        {
            callerId,
            holderIndex,
            from = request.From?.ToDateTimeOffset(),
            to = request.To?.ToDateTimeOffset(),
            action = action.Length > 0 ? action : null,
            matter = matter.Length > 0 ? matter : null,
            before = Cursor(page),
            limit = page.Size + 1,
        }, page.Size, cancellationToken);
        await accessLog.AppendAsync(new AccessRecord { CallerId = caller.Id, Action = "audit.QueryAccessLog", ObjectType = "access_log", HolderIndex = holderIndex, Outcome = $"OK:{entries.Count}" }, cancellationToken);
        return new QueryAccessLogResponse { Entries = { entries }, NextPageToken = next };
    }

    public async Task<Outcome<GetHolderAccessHistoryResponse>> HolderHistoryAsync(Caller caller, GetHolderAccessHistoryRequest request, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        var holderIndex = HolderIndex(request.Holder, violations);
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        violations.ThrowIfAny();

        const string sql = EntryColumns + """
             WHERE a.holder_index = @holderIndex AND (@before::bigint IS NULL OR a.log_index < @before)
             ORDER BY a.log_index DESC
             LIMIT @limit
            """;
        var (entries, next) = await PageAsync(sql, new { holderIndex, before = Cursor(page), limit = page.Size + 1 }, page.Size, cancellationToken);
        await accessLog.AppendAsync(new AccessRecord
        {
            CallerId = caller.Id,
            Action = "audit.GetHolderAccessHistory",
            ObjectType = "access_log",
            HolderIndex = holderIndex,
            Outcome = $"OK:{entries.Count}",
        }, cancellationToken);
        return new GetHolderAccessHistoryResponse { Entries = { entries }, NextPageToken = next };
    }

    public async Task<Outcome<GetCheckpointResponse>> CheckpointAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CheckpointRow>(new CommandDefinition(
            """
            SELECT tree_size AS TreeSize, root_hash AS RootHash, body AS Body, signature AS Signature, key_id AS KeyId, created_at AS CreatedAt
            FROM checkpoints ORDER BY tree_size DESC LIMIT 1
            """,
            cancellationToken: cancellationToken));
        return row is null
            ? HubError.FailedPrecondition("NO_CHECKPOINT_YET", "the log has no checkpoint yet; the first is written within a second of the first entry.")
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

    public async Task<Outcome<GetInclusionProofResponse>> InclusionAsync(GetInclusionProofRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var latest = await LatestSizeAsync(connection, cancellationToken);
        var size = request.TreeSize == 0 ? latest : (long)request.TreeSize;
        if (size > latest)
        {
            return HubError.FailedPrecondition("NOT_YET_CHECKPOINTED", $"tree_size {size} is beyond the latest checkpoint ({latest}).");
        }

        if ((long)request.LogIndex >= size)
        {
            return latest == 0 || (long)request.LogIndex >= latest
                ? HubError.FailedPrecondition("NOT_YET_CHECKPOINTED", $"entry {request.LogIndex} is not covered by a checkpoint yet (latest tree size {latest}); retry in a second.")
                : HubError.InvalidArgument("log_index", $"must be below tree_size {size}");
        }

        var index = (long)request.LogIndex;
        var (proof, leaf) = await PostgresMerkleStore.ComputeAsync(
            connection, null, nodes => (MerkleTree.InclusionProof(index, size, nodes), nodes.Node(0, index)), cancellationToken);
        return new GetInclusionProofResponse { Hashes = { proof.Select(ByteString.CopyFrom) }, TreeSize = (ulong)size, LeafHash = ByteString.CopyFrom(leaf) };
    }

    public async Task<Outcome<GetConsistencyProofResponse>> ConsistencyAsync(GetConsistencyProofRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var latest = await LatestSizeAsync(connection, cancellationToken);
        var to = request.ToSize == 0 ? latest : (long)request.ToSize;
        var from = (long)request.FromSize;
        if (to > latest)
        {
            return HubError.FailedPrecondition("NOT_YET_CHECKPOINTED", $"to_size {to} is beyond the latest checkpoint ({latest}).");
        }

        if (from < 1 || from > to)
        {
            return HubError.InvalidArgument("from_size", $"must be between 1 and to_size ({to})");
        }

        var proof = await PostgresMerkleStore.ComputeAsync(connection, null, nodes => MerkleTree.ConsistencyProof(from, to, nodes), cancellationToken);
        return new GetConsistencyProofResponse { Hashes = { proof.Select(ByteString.CopyFrom) }, FromSize = (ulong)from, ToSize = (ulong)to };
    }

    public async Task<Outcome<GetEntriesResponse>> EntriesAsync(GetEntriesRequest request, CancellationToken cancellationToken)
    {
        if (request.Count is 0 or > MaxEntriesPerCall)
        {
            return HubError.InvalidArgument("count", $"must be 1 to {MaxEntriesPerCall}");
        }

        const string sql = """
            SELECT a.log_index AS LogIndex, a.entry_json AS EntryJson, n.hash AS Checkpointed
            FROM access_log a LEFT JOIN merkle_nodes n ON n.level = 0 AND n.idx = a.log_index
            WHERE a.log_index >= @from AND a.log_index < @to
            ORDER BY a.log_index
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long LogIndex, string EntryJson, byte[]? Checkpointed)>(new CommandDefinition(
            sql, new { from = (long)request.FromIndex, to = (long)request.FromIndex + request.Count }, cancellationToken: cancellationToken));
        return new GetEntriesResponse
        {
            Entries =
            {
                rows.Select(r => new EntryWithLeaf
                {
                    LogIndex = (ulong)r.LogIndex,
                    EntryJson = r.EntryJson,
                    CheckpointedLeafHash = r.Checkpointed is null ? ByteString.Empty : ByteString.CopyFrom(r.Checkpointed),
                }),
            },
        };
    }

    private byte[]? HolderIndex(Holder? holder, Violations violations)
    {
        var parsed = HolderInput.Parse(holder, "holder", violations, ChinaCalendar.Today(time), licenseOptions.Value.LegacyUsccSet, nameRequired: false);
        return violations.Any ? null : protector.BlindIndex(parsed.IdType, parsed.IdNumber);
    }

    private static long? Cursor(PageRequest page) =>
        page.Cursor is { } cursor && long.TryParse(cursor, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var before) ? before : null;

    private static async Task<long> LatestSizeAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COALESCE(max(tree_size), 0) FROM checkpoints", cancellationToken: cancellationToken));

    private async Task<(List<Hub.Audit.V1.AccessLogEntry> Entries, string Next)> PageAsync(string sql, object parameters, int pageSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
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
        };
    }
}
