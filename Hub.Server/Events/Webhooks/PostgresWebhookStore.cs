using System.Text.Json;
using Dapper;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Server.Events.Webhooks;

/// <summary>The PostgreSQL <see cref="IWebhookStore"/>: <c>webhooks</c> and <c>webhook_failures</c>.</summary>
public sealed class PostgresWebhookStore(NpgsqlDataSource dataSource, PostgresAccessLog accessLog) : IWebhookStore
{
    private const string Columns = """
        w.webhook_id AS WebhookId, w.caller_id AS CallerId, w.url AS Url, w.filter::text AS Filter, w.secret AS Secret,
        w.delivered_through AS DeliveredThrough, w.created_at AS CreatedAt,
        (SELECT count(*) FROM webhook_failures f WHERE f.webhook_id = w.webhook_id)::int AS FailedDeliveries
        """;

    private const long LeaderLockKey = 0x6875622D77656268; // "hub-webh"

    public async Task<IWebhookLease?> TryLeadAsync(CancellationToken cancellationToken) =>
        await SessionAdvisoryLock.TryTakeAsync(dataSource, LeaderLockKey, cancellationToken) is { } connection ? new Lease(connection) : null;

    public async Task<int> CountAsync(Guid callerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT count(*) FROM webhooks WHERE caller_id = @callerId AND deleted_at IS NULL", new { callerId }, cancellationToken: cancellationToken));
    }

    public async Task InsertAsync(StoredWebhook webhook, AccessRecord audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webhooks (webhook_id, caller_id, url, filter, secret, delivered_through, created_at)
            VALUES (@WebhookId, @CallerId, @Url, @filter::jsonb, @SealedSecret, @DeliveredThrough, @CreatedAt)
            """,
            new { webhook.WebhookId, webhook.CallerId, webhook.Url, filter = FilterJson(webhook.Selection), webhook.SealedSecret, webhook.DeliveredThrough, webhook.CreatedAt },
            transaction,
            cancellationToken: cancellationToken));
        await accessLog.AppendAsync(connection, transaction, audit, cancellationToken);
        await accessLog.CommitAsync(transaction, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredWebhook>> ListAsync(Guid callerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM webhooks w WHERE w.caller_id = @callerId AND w.deleted_at IS NULL ORDER BY w.created_at, w.webhook_id",
            new { callerId },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToStored(null))];
    }

    public async Task<bool> DeleteAsync(Guid callerId, Guid webhookId, AccessRecord audit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM webhook_failures WHERE webhook_id = @webhookId AND EXISTS (SELECT 1 FROM webhooks WHERE webhook_id = @webhookId AND caller_id = @callerId);
            UPDATE webhooks SET deleted_at = now() WHERE webhook_id = @webhookId AND caller_id = @callerId AND deleted_at IS NULL;
            """,
            new { callerId, webhookId },
            transaction,
            cancellationToken: cancellationToken));
        var found = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM webhooks WHERE webhook_id = @webhookId AND caller_id = @callerId AND deleted_at IS NOT NULL)",
            new { callerId, webhookId },
            transaction,
            cancellationToken: cancellationToken));
        if (deleted == 0 || !found)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await accessLog.AppendAsync(connection, transaction, audit, cancellationToken);
        await accessLog.CommitAsync(transaction, cancellationToken);
        return true;
    }

    public async Task<IReadOnlyList<StoredWebhook>> ActiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT {Columns}, c.org_code AS OrgCode, c.clearance AS Clearance, c.roles AS Roles
            FROM webhooks w JOIN callers c USING (caller_id)
            WHERE w.deleted_at IS NULL AND c.disabled_at IS NULL
            ORDER BY w.created_at, w.webhook_id
            """,
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToStored(new EventAudience(
            r.CallerId, r.OrgCode!, (DataLevel)r.Clearance, r.Roles!.Any(n => RoleNames.TryParse(n, out var role) && role == Role.Subscriber))))];
    }

    public async Task AdvanceAsync(Guid webhookId, long eventId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhooks SET delivered_through = @eventId WHERE webhook_id = @webhookId AND delivered_through < @eventId",
            new { webhookId, eventId },
            cancellationToken: cancellationToken));
    }

    public async Task DeadLetterAsync(FailedWebhookDelivery failure, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH failed AS (
                INSERT INTO webhook_failures (webhook_id, event_id, attempts, last_error, failed_at)
                VALUES (@WebhookId, @EventId, @Attempts, @LastError, @FailedAt)
                ON CONFLICT (webhook_id, event_id) DO UPDATE SET attempts = webhook_failures.attempts + excluded.attempts, last_error = excluded.last_error, failed_at = excluded.failed_at
            )
            UPDATE webhooks SET delivered_through = @EventId WHERE webhook_id = @WebhookId AND delivered_through < @EventId
            """,
            failure,
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<FailedWebhookDelivery>> FailedAsync(Guid callerId, Guid? webhookId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid, long, int, string, DateTime)>(new CommandDefinition(
            """
            SELECT f.webhook_id, f.event_id, f.attempts, f.last_error, f.failed_at
            FROM webhook_failures f JOIN webhooks w USING (webhook_id)
            WHERE w.caller_id = @callerId AND w.deleted_at IS NULL AND (@webhookId::uuid IS NULL OR f.webhook_id = @webhookId)
            ORDER BY f.webhook_id, f.event_id
            LIMIT 1000
            """,
            new { callerId, webhookId },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new FailedWebhookDelivery(r.Item1, r.Item2, r.Item3, r.Item4, new DateTimeOffset(DateTime.SpecifyKind(r.Item5, DateTimeKind.Utc))))];
    }

    public async Task RemoveFailedAsync(Guid webhookId, long eventId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM webhook_failures WHERE webhook_id = @webhookId AND event_id = @eventId", new { webhookId, eventId }, cancellationToken: cancellationToken));
    }

    public async Task FailedAgainAsync(FailedWebhookDelivery failure, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_failures SET attempts = attempts + @Attempts, last_error = @LastError, failed_at = @FailedAt WHERE webhook_id = @WebhookId AND event_id = @EventId",
            failure,
            cancellationToken: cancellationToken));
    }

    /// <summary>A session-level advisory lock lives as long as its session: asking the session is asking the lock.</summary>
    private sealed class Lease(NpgsqlConnection connection) : IWebhookLease
    {
        public async Task<bool> HeldAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)) == 1;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                return false;
            }
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    private static string FilterJson(EventSelection selection) => JsonSerializer.Serialize(selection);

    private sealed class Row
    {
        public Guid WebhookId { get; init; }

        public Guid CallerId { get; init; }

        public string Url { get; init; } = string.Empty;

        public string Filter { get; init; } = "{}";

        public byte[] Secret { get; init; } = [];

        public long DeliveredThrough { get; init; }

        public DateTime CreatedAt { get; init; }

        public int FailedDeliveries { get; init; }

        public string? OrgCode { get; init; }

        public short Clearance { get; init; }

        public string[]? Roles { get; init; }

        public StoredWebhook ToStored(EventAudience? owner) => new(
            WebhookId,
            CallerId,
            Url,
            JsonSerializer.Deserialize<EventSelection>(Filter) ?? EventSelection.All,
            Secret,
            DeliveredThrough,
            new DateTimeOffset(DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc)),
            FailedDeliveries,
            owner);
    }
}
