using Dapper;
using Hub.Core.Access;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// The access log in PostgreSQL. Each entry takes the next dense index from <c>log_head</c>, whose row lock is held
/// until the entry's transaction commits: indices become visible in order and never leave holes.
/// </summary>
public sealed class PostgresAccessLog(NpgsqlDataSource dataSource, TimeProvider time) : IAccessLog
{
    public async Task<AccessLogEntry> AppendAsync(AccessRecord record, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var entry = await AppendAsync(connection, transaction, record, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return entry;
    }

    /// <summary>
    /// Appends inside the caller's transaction, so a state change and its entry commit together. Call it last in the
    /// transaction: it holds the log head until commit.
    /// </summary>
    public async Task<AccessLogEntry> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, AccessRecord record, CancellationToken cancellationToken)
    {
        // Taking the index first (and holding the head's row lock to commit) keeps indices dense and in commit order.
        var logIndex = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE log_head SET size = size + 1 RETURNING size - 1", transaction: transaction, cancellationToken: cancellationToken));
        var occurredAt = AccessEntryFormat.Truncate(time.GetUtcNow());
        var entryJson = AccessEntryFormat.EntryJson(logIndex, occurredAt, record);
        var leafHash = AccessEntryFormat.LeafHash(entryJson);
        const string sql = """
            INSERT INTO access_log (log_index, occurred_at, caller_id, action, object_type, object_id, holder_index,
                                    purpose, matter_code, case_number, fields, outcome, entry_json, leaf_hash)
            VALUES (@logIndex, @occurredAt, @CallerId, @Action, @ObjectType, @ObjectId, @HolderIndex,
                    @Purpose, @MatterCode, @CaseNumber, @Fields, @Outcome, @entryJson, @leafHash)
            """;
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                logIndex,
                occurredAt,
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
                entryJson,
                leafHash,
            },
            transaction,
            cancellationToken: cancellationToken));
        return new AccessLogEntry(logIndex, occurredAt, record, entryJson, leafHash);
    }
}
