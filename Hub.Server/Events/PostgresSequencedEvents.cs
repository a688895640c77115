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
    // event_queue is found by its primary key (= ANY on its leading column: an index scan whatever its dead tuples);
    // the entries' log indices and times are joined to what was moved.
    private const string Sql = """
        WITH moved AS (
            DELETE FROM event_queue WHERE audit_queue_id = ANY(@queueIds) RETURNING *
        ), numbered AS (
            INSERT INTO events (event_id, log_index, occurred_at, event_type, object_type, object_id, license_type, issuer_org,
                                matter_code, audience_caller, audience_org, data)
            SELECT @events + row_number() OVER (ORDER BY x.log_index, m.seq), x.log_index, x.occurred_at, m.event_type, m.object_type,
                   m.object_id, m.license_type, m.issuer_org, m.matter_code, m.audience_caller, m.audience_org, m.data
            FROM moved m JOIN unnest(@queueIds, @logIndexes, @occurredAts) AS x(queue_id, log_index, occurred_at) ON x.queue_id = m.audit_queue_id
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
