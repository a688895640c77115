using Hub.Core.Access;
using Hub.Core.Events;
using Dapper;
using Hub.Common.V1;
using Hub.Core.Ports;
using Hub.Exchange.V1;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Server.Exchange;

/// <summary>
/// <see cref="IGrantStore"/> in PostgreSQL. Writes run on the caller's transaction, so a grant's change commits with its
/// audit entry and its idempotency record.
/// </summary>
public sealed class PostgresGrantStore(NpgsqlDataSource dataSource, PostgresAccessLog accessLog) : IGrantStore
{
    /// <summary>The status as of @today: OVERDUE and EXPIRED are read from the dates (see GrantStatusRules).</summary>
    private const string EffectiveStatus = "CASE WHEN g.status = 1 AND g.due_on < @today THEN 4 WHEN g.status = 2 AND g.expires_on < @today THEN 5 ELSE g.status END";

    private const string SelectColumns = """
        SELECT g.grant_id AS GrantId, g.resource_code AS ResourceCode, g.consumer_id AS ConsumerId, g.consumer_org_code AS ConsumerOrgCode,
               g.provider_org_code AS ProviderOrgCode, g.fields AS Fields, g.purpose AS Purpose, g.matter_codes AS MatterCodes,
               g.requested_days AS RequestedDays, g.status AS Status, r.sharing_type AS SharingType, g.requested_at AS RequestedAt,
               g.due_on AS DueOn, g.decided_at AS DecidedAt, g.decision_reason AS DecisionReason, g.expires_on AS ExpiresOn,
               g.revoked_at AS RevokedAt, g.revoke_reason AS RevokeReason
        FROM grants g JOIN data_resources r ON r.resource_code = g.resource_code
        """;

    public async Task InsertAsync(IWriteTransaction transaction, StoredGrant grant, Guid? decidedBy, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        const string sql = """
            INSERT INTO grants (grant_id, resource_code, consumer_id, consumer_org_code, provider_org_code, fields, purpose, matter_codes,
                                requested_days, status, requested_at, due_on, decided_at, decided_by, decision_reason, expires_on)
            VALUES (@GrantId, @ResourceCode, @ConsumerId, @ConsumerOrgCode, @ProviderOrgCode, @Fields, @Purpose, @MatterCodes,
                    @RequestedDays, @Status, @RequestedAt, @DueOn, @DecidedAt, @decidedBy, @DecisionReason, @ExpiresOn)
            """;
        await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            grant.GrantId,
            grant.ResourceCode,
            grant.ConsumerId,
            grant.ConsumerOrgCode,
            grant.ProviderOrgCode,
            Fields = grant.Fields.ToArray(),
            grant.Purpose,
            MatterCodes = grant.MatterCodes.ToArray(),
            grant.RequestedDays,
            Status = (short)grant.StoredStatus,
            grant.RequestedAt,
            grant.DueOn,
            grant.DecidedAt,
            decidedBy,
            grant.DecisionReason,
            grant.ExpiresOn,
        }, tx, cancellationToken: cancellationToken));
    }

    /// <summary>The grant, its row locked until the transaction ends (decisions and revocations serialise on it).</summary>
    public async Task<StoredGrant?> LockAsync(IWriteTransaction transaction, Guid grantId, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        var row = await connection.QuerySingleOrDefaultAsync<GrantRow>(new CommandDefinition(
            SelectColumns + " WHERE g.grant_id = @grantId FOR UPDATE OF g", new { grantId }, tx, cancellationToken: cancellationToken));
        return row?.ToGrant();
    }

    public async Task DecideAsync(
        IWriteTransaction transaction, Guid grantId, GrantStatus status, DateTimeOffset at, Guid by, string reason, DateOnly? expiresOn, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        const string sql = """
            UPDATE grants SET status = @status, decided_at = @at, decided_by = @by, decision_reason = @reason, expires_on = @expiresOn
            WHERE grant_id = @grantId
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql, new { grantId, status = (short)status, at, by, reason, expiresOn }, tx, cancellationToken: cancellationToken));
    }

    public async Task RevokeAsync(
        IWriteTransaction transaction, Guid grantId, DateTimeOffset at, Guid by, string reason, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        const string sql = "UPDATE grants SET status = 6, revoked_at = @at, revoked_by = @by, revoke_reason = @reason WHERE grant_id = @grantId";
        await connection.ExecuteAsync(new CommandDefinition(sql, new { grantId, at, by, reason }, tx, cancellationToken: cancellationToken));
    }

    /// <summary>A grant this consumer holds on the resource that is waiting for a decision, if any.</summary>
    public async Task<Guid?> FindWaitingAsync(IWriteTransaction transaction, Guid consumerId, string resourceCode, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT grant_id FROM grants WHERE consumer_id = @consumerId AND resource_code = @resourceCode AND status = 1 ORDER BY grant_id DESC LIMIT 1",
            new { consumerId, resourceCode }, tx, cancellationToken: cancellationToken));
    }

    public async Task<StoredGrant?> FindAsync(Guid grantId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<GrantRow>(new CommandDefinition(
            SelectColumns + " WHERE g.grant_id = @grantId", new { grantId }, cancellationToken: cancellationToken));
        return row?.ToGrant();
    }

    /// <summary>The grant a query runs under: the consumer's most recently decided grant on the resource that is in force today.</summary>
    public async Task<StoredGrant?> FindInForceAsync(Guid consumerId, string resourceCode, DateOnly today, CancellationToken cancellationToken)
    {
        const string sql = SelectColumns + """
             WHERE g.consumer_id = @consumerId AND g.resource_code = @resourceCode AND g.status = 2 AND g.expires_on >= @today
             ORDER BY g.decided_at DESC, g.grant_id DESC
             LIMIT 1
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<GrantRow>(new CommandDefinition(
            sql, new { consumerId, resourceCode, today }, cancellationToken: cancellationToken));
        return row?.ToGrant();
    }

    /// <summary>The consumer's latest grant on the resource whatever its status, to explain a refusal.</summary>
    public async Task<StoredGrant?> FindLatestAsync(Guid consumerId, string resourceCode, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<GrantRow>(new CommandDefinition(
            SelectColumns + " WHERE g.consumer_id = @consumerId AND g.resource_code = @resourceCode ORDER BY g.grant_id DESC LIMIT 1",
            new { consumerId, resourceCode }, cancellationToken: cancellationToken));
        return row?.ToGrant();
    }

    /// <summary>Newest first, keyset-paged by grant id (time-ordered UUIDv7), narrowed by scope, status and resource.</summary>
    public async Task<(IReadOnlyList<StoredGrant> Grants, string? NextCursor)> ListAsync(
        GrantFilter filter, DateOnly today, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        const string sql = SelectColumns + " WHERE (@after::uuid IS NULL OR g.grant_id < @after)" + """
               AND (@consumerId::uuid IS NULL OR g.consumer_id = @consumerId)
               AND (@providerOrg::text IS NULL OR g.provider_org_code = @providerOrg)
               AND (@resourceCode::text IS NULL OR g.resource_code = @resourceCode)
               AND (@status::smallint IS NULL OR 
            """ + EffectiveStatus + """
             = @status)
             ORDER BY g.grant_id DESC
             LIMIT @limit
            """;
        Guid? after = Guid.TryParse(cursor, out var parsed) ? parsed : null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<GrantRow>(new CommandDefinition(
            sql,
            new
            {
                after,
                consumerId = filter.ConsumerId,
                providerOrg = filter.ProviderOrgCode,
                resourceCode = filter.ResourceCode,
                status = filter.Status is { } s ? (short?)s : null,
                today,
                limit = pageSize + 1,
            },
            cancellationToken: cancellationToken))).ToList();
        var grants = rows.Take(pageSize).Select(r => r.ToGrant()).ToList();
        return (grants, rows.Count > pageSize ? grants[^1].GrantId.ToString() : null);
    }

    public Task<int> NoticeDeadlinesAsync(
        DateOnly today, bool expiries, Func<StoredGrant, (AccessRecord Entry, IReadOnlyList<ChangeEvent> Events)> describe, CancellationToken cancellationToken) =>
        DateNotices.RunAsync(dataSource, accessLog, expiries ? EventTypes.GrantExpired : EventTypes.GrantOverdue, today, async (connection, transaction, from, until) =>
        {
            // Overdue the day after due_on while still pending; expired the day after expires_on while approved.
            var sql = SelectColumns + (expiries
                ? " WHERE g.status = 2 AND g.expires_on >= @from AND g.expires_on < @until ORDER BY g.expires_on, g.grant_id FOR SHARE OF g"
                : " WHERE g.status = 1 AND g.due_on >= @from AND g.due_on < @until ORDER BY g.due_on, g.grant_id FOR SHARE OF g");
            var rows = await connection.QueryAsync<GrantRow>(new CommandDefinition(sql, new { from, until }, transaction, cancellationToken: cancellationToken));
            return [.. rows.Select(r => describe(r.ToGrant()))];
        }, cancellationToken);

    private sealed class GrantRow
    {
        public Guid GrantId { get; init; }

        public string ResourceCode { get; init; } = string.Empty;

        public Guid ConsumerId { get; init; }

        public string ConsumerOrgCode { get; init; } = string.Empty;

        public string ProviderOrgCode { get; init; } = string.Empty;

        public string[] Fields { get; init; } = [];

        public string Purpose { get; init; } = string.Empty;

        public string[] MatterCodes { get; init; } = [];

        public int RequestedDays { get; init; }

        public short Status { get; init; }

        public short SharingType { get; init; }

        public DateTime RequestedAt { get; init; }

        public DateTime? DueOn { get; init; }

        public DateTime? DecidedAt { get; init; }

        public string DecisionReason { get; init; } = string.Empty;

        public DateTime? ExpiresOn { get; init; }

        public DateTime? RevokedAt { get; init; }

        public string RevokeReason { get; init; } = string.Empty;

        public StoredGrant ToGrant() => new(
            GrantId,
            ResourceCode,
            ConsumerId,
            ConsumerOrgCode,
            ProviderOrgCode,
            Fields,
            Purpose,
            MatterCodes,
            RequestedDays,
            (GrantStatus)Status,
            (SharingType)SharingType,
            Utc(RequestedAt),
            DueOn is { } due ? DateOnly.FromDateTime(due) : null,
            DecidedAt is { } decided ? Utc(decided) : null,
            DecisionReason,
            ExpiresOn is { } expires ? DateOnly.FromDateTime(expires) : null,
            RevokedAt is { } revoked ? Utc(revoked) : null,
            RevokeReason);

        private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
    }
}

/// <summary>What ListGrants narrows by; null means no filter.</summary>
public sealed record GrantFilter(Guid? ConsumerId, string? ProviderOrgCode, string? ResourceCode, GrantStatus? Status);
