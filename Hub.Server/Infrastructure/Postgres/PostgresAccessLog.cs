using Dapper;
using Hub.Core.Access;
using Npgsql;
using NpgsqlTypes;

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

    private const string Columns = "occurred_at, caller_id, action, object_type, object_id, holder_index, purpose, matter_code, case_number, fields, outcome";

    /// <summary>Queues the entry in the caller's transaction; call <see cref="CommitAsync"/> to commit it.</summary>
    public async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRecord record, CancellationToken cancellationToken)
    {
        var (sql, parameters) = QueueStatement(record);
        await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// The statement that queues an entry, for a caller that sends it with other statements in one round trip; its
    /// parameter names start with <c>q_</c>, so they never clash with the others'.
    /// </summary>
    public (string Sql, DynamicParameters Parameters) QueueStatement(AccessRecord record)
    {
        const string sql = $"""
            INSERT INTO access_log_queue ({Columns})
            VALUES (@q_occurred_at, @q_caller_id, @q_action, @q_object_type, @q_object_id, @q_holder_index, @q_purpose, @q_matter_code,
                    @q_case_number, @q_fields, @q_outcome)
            """;
        return (sql, new DynamicParameters(new
        {
            q_occurred_at = AccessEntryFormat.Truncate(time.GetUtcNow()),
            q_caller_id = record.CallerId,
            q_action = record.Action,
            q_object_type = record.ObjectType,
            q_object_id = record.ObjectId,
            q_holder_index = record.HolderIndex,
            q_purpose = record.Purpose,
            q_matter_code = record.MatterCode,
            q_case_number = record.CaseNumber,
            q_fields = record.Fields.ToArray(),
            q_outcome = record.Outcome,
        }));
    }

    /// <summary>Queues many entries in the caller's transaction with one binary COPY (bulk import).</summary>
    public async Task AppendManyAsync(NpgsqlConnection connection, IReadOnlyList<AccessRecord> records, CancellationToken cancellationToken)
    {
        var occurredAt = AccessEntryFormat.Truncate(time.GetUtcNow());
        await using var copy = await connection.BeginBinaryImportAsync($"COPY access_log_queue ({Columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var record in records)
        {
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(occurredAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await copy.WriteAsync(record.CallerId, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(record.Action, NpgsqlDbType.Varchar, cancellationToken);
            await GroupCommitAccessLog.WriteNullableAsync(copy, record.ObjectType, NpgsqlDbType.Varchar);
            await GroupCommitAccessLog.WriteNullableAsync(copy, record.ObjectId, NpgsqlDbType.Varchar);
            await GroupCommitAccessLog.WriteNullableAsync(copy, record.HolderIndex, NpgsqlDbType.Bytea);
            await GroupCommitAccessLog.WriteNullableAsync(copy, record.Purpose, NpgsqlDbType.Varchar);
            await GroupCommitAccessLog.WriteNullableAsync(copy, record.MatterCode, NpgsqlDbType.Varchar);
            await GroupCommitAccessLog.WriteNullableAsync(copy, record.CaseNumber, NpgsqlDbType.Varchar);
            await copy.WriteAsync(record.Fields.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(record.Outcome, NpgsqlDbType.Varchar, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
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
