using Dapper;
using Hub.Core.Ports;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// One-time nonces in PostgreSQL, the only nonce store: the primary key makes consumption atomic across every
/// replica, and it survives what Redis may not (a restart without persistence, a failover, an outage).
/// </summary>
public sealed class PostgresNonceStore(NpgsqlDataSource dataSource) : IOneTimeNonceStore
{
    public async Task<bool> TryConsumeAsync(string scope, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO one_time_nonces (scope, nonce, expires_at) VALUES (@scope, @nonce, @expiresAt)
            ON CONFLICT (scope, nonce) DO NOTHING
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(sql, new { scope, nonce, expiresAt }, cancellationToken: cancellationToken));
        return inserted == 1;
    }
}
