using Dapper;
using Npgsql;

namespace Hub.Server.Events;

/// <summary>
/// Numbers the change events of the entries one log-writer cycle sequences, in the cycle's transaction and under the
/// log head's lock (so ids have no holes and never go back): the events queued with those entries move from
/// <c>event_queue</c> to <c>events</c> with the next dense ids — in the entries' log order, each entry's events in
/// the order its change queued them — and the head's size and event count move with them. One statement, all in
/// PostgreSQL: the writer's cycle costs no extra round trip for events.
/// </summary>
public static class PostgresSequencedEvents
{
    private const string Sql = """
        WITH moved AS (
            DELETE FROM event_queue q
            USING unnest(@queueIds, @logIndexes, @occurredAts) AS x(queue_id, log_index, occurred_at)
            WHERE q.audit_queue_id = x.queue_id
            RETURNING q.seq, q.event_type, q.object_type, q.object_id, q.license_type, q.issuer_org, q.matter_code,
                      q.audience_caller, q.audience_org, q.data, x.log_index, x.occurred_at
        ), numbered AS (
            INSERT INTO events (event_id, log_index, occurred_at, event_type, object_type, object_id, license_type, issuer_org,
                                matter_code, audience_caller, audience_org, data)
            SELECT @events + row_number() OVER (ORDER BY log_index, seq), log_index, occurred_at, event_type, object_type, object_id,
                   license_type, issuer_org, matter_code, audience_caller, audience_org, data
            FROM moved
            RETURNING 1
        )
        UPDATE log_head SET size = @size, events = events + (SELECT count(*) FROM numbered) RETURNING events
        """;

    /// <summary>
    /// Moves the head to <paramref name="size"/> entries and numbers the events of the queued entries given (their
    /// queue ids, the log indices just given to them, their times); returns the head's event count after it.
    /// </summary>
    public static async Task<long> AdvanceHeadAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, long size, long events,
        long[] queueIds, long[] logIndexes, DateTimeOffset[] occurredAts) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            Sql, new { queueIds, logIndexes, occurredAts, events, size }, transaction));
}
