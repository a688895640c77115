using Dapper;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// One-replica-at-a-time work (the checkpointer, the webhook dispatcher): a session-level advisory lock on a connection
/// of its own, held for as long as that connection lives — PostgreSQL releases it when the session ends, so a replica
/// that dies or loses its session hands the work on.
/// </summary>
public static class SessionAdvisoryLock
{
    /// <summary>The connection that now holds the lock, or null (and no connection kept) when another session holds it.</summary>
    public static async Task<NpgsqlConnection?> TryTakeAsync(NpgsqlDataSource dataSource, long key, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@key)", new { key }, cancellationToken: cancellationToken)))
        {
            return connection;
        }

        await connection.DisposeAsync();
        return null;
    }
}
