using Dapper;
using Hub.Core.Access;
using Hub.Core.Events;
using Hub.Server.Events;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// The access log inside a state change's own transaction. The entry goes into <c>access_log_queue</c> with the
/// change, so both commit or neither does, and takes no lock: its dense index is assigned after the commit by the
/// log writer (<see cref="GroupCommitAccessLog"/>). <see cref="CommitAsync"/> commits and then waits for that index,
/// so a write answers only once its entry is in the log.
/// </summary>
public sealed class PostgresAccessLog(GroupCommitAccessLog writer, TimeProvider time, ILogger<PostgresAccessLog> logger)
{
    /// <summary>How long a committed write waits for its entry's index before answering anyway (its entry is durable in the queue).</summary>
    public static readonly TimeSpan SequenceWait = TimeSpan.FromSeconds(10);

    /// <summary>Queues an entry of a change that causes no event; call <see cref="CommitAsync"/> to commit it.</summary>
    public Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRecord record, CancellationToken cancellationToken) =>
        AppendAsync(connection, transaction, record, [], cancellationToken);

    /// <summary>
    /// Queues the entry, and the events the change causes, in the caller's transaction (one round trip); call
    /// <see cref="CommitAsync"/> to commit them.
    /// </summary>
    public async Task AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRecord record, IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken)
    {
        AccessRecordLimits.Check(record);
        const string entry = """
            INSERT INTO access_log_queue (occurred_at, caller_id, action, object_type, object_id, holder_index, purpose, matter_code, case_number, fields, outcome, delegation_id)
            VALUES (@occurredAt, @CallerId, @Action, @ObjectType, @ObjectId, @HolderIndex, @Purpose, @MatterCode, @CaseNumber, @Fields, @Outcome, @DelegationId)
            """;
        var sql = events.Count == 0 ? entry : $"""
            WITH entry AS ({entry} RETURNING queue_id)
            {PostgresQueuedEvents.InsertFrom("(SELECT queue_id FROM entry)")}
            """;
        var parameters = new DynamicParameters(new
        {
            occurredAt = AccessEntryFormat.Truncate(time.GetUtcNow()),
            record.CallerId,
            record.Action,
            record.ObjectType,
            record.ObjectId,
            record.HolderIndex,
            record.Purpose,
            record.MatterCode,
            record.CaseNumber,
            Fields = record.Fields.ToArray(),
            record.Outcome,
            record.DelegationId,
        });
        PostgresQueuedEvents.AddParameters(parameters, events);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Commits the transaction, returns its connection to the pool, then waits until its queued entries have their
    /// indices (<see cref="SequencedAsync"/>). The change has committed whatever happens after the commit, so a log
    /// writer in trouble is logged, not reported to the caller as a failure: its entries are durable in the queue.
    /// </summary>
    public async Task CommitAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection;
        await transaction.CommitAsync(cancellationToken);

        // Back to the pool before waiting: a connection is never held idle while the log writer works.
        if (connection is not null)
        {
            await connection.CloseAsync();
        }

        await SequencedAsync();
    }

    /// <summary>
    /// Waits (at most <see cref="SequenceWait"/>) until every entry queued by a transaction that committed before this
    /// call has its index. Never fails: a log writer in trouble is logged, and the entries stay queued for its next cycle.
    /// </summary>
    public async Task SequencedAsync()
    {
        try
        {
            await writer.SequenceCommittedAsync(CancellationToken.None).WaitAsync(SequenceWait, time, CancellationToken.None);
        }
        catch (Exception e) when (e is TimeoutException or Core.Errors.HubException)
        {
            logger.SequencingDelayed(e);
        }
    }
}
