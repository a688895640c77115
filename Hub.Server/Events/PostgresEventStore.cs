using Dapper;
using Npgsql;

namespace Hub.Server.Events;

/// <summary>The PostgreSQL <see cref="IEventStore"/>: the <c>events</c> table and the event count in <c>log_head</c>.</summary>
public sealed class PostgresEventStore(NpgsqlDataSource dataSource) : IEventStore
{
    public async Task<EventBounds> BoundsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (latest, oldest) = await connection.QuerySingleAsync<(long, long?)>(new CommandDefinition(
            "SELECT events, (SELECT min(event_id) FROM events) FROM log_head", cancellationToken: cancellationToken));
        return new EventBounds(oldest ?? latest + 1, latest);
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(EventAudience audience, EventSelection selection, long afterId, long throughId, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT event_id, log_index, occurred_at, event_type, object_type, object_id, license_type, issuer_org, matter_code, data::text
            FROM events
            WHERE event_id > @afterId AND event_id <= @throughId
              AND (cardinality(@types) = 0 OR event_type = ANY(@types))
              AND (cardinality(@licenseTypes) = 0 OR license_type = ANY(@licenseTypes))
              AND (cardinality(@issuers) = 0 OR issuer_org = ANY(@issuers))
              AND (cardinality(@matters) = 0 OR matter_code = ANY(@matters))
              AND ((@subscriber AND audience_caller IS NULL AND audience_org IS NULL) OR audience_caller = @callerId OR audience_org = @orgCode)
            ORDER BY event_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long, long, DateTime, string, string, string, string?, string?, string?, string)>(new CommandDefinition(
            sql,
            new
            {
                afterId,
                throughId,
                types = selection.EventTypes,
                licenseTypes = selection.LicenseTypes,
                issuers = selection.IssuerOrgs,
                matters = selection.Matters,
                subscriber = audience.Subscriber,
                audience.CallerId,
                audience.OrgCode,
            },
            cancellationToken: cancellationToken));
        return [.. rows.Select(r => new StoredEvent(
            r.Item1, r.Item2, new DateTimeOffset(DateTime.SpecifyKind(r.Item3, DateTimeKind.Utc)), r.Item4, r.Item5, r.Item6, r.Item7, r.Item8, r.Item9, r.Item10))];
    }

    public async Task<int> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A prefix of ids, never a hole: an event numbered after a later-stamped one (a long transaction) goes with
        // the older ones, so "every event after the oldest kept is present" stays true for readers.
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM events WHERE event_id <= (SELECT max(event_id) FROM events WHERE occurred_at < @before)", new { before }, cancellationToken: cancellationToken));
    }
}
