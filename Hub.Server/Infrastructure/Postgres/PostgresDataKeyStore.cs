using Dapper;
using Hub.Server.Infrastructure.Secrets;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary><see cref="IDataKeyStore"/> in PostgreSQL: <c>data_keys</c>.</summary>
public sealed class PostgresDataKeyStore(NpgsqlDataSource dataSource, TimeProvider time) : IDataKeyStore
{
    public async Task EnsureAsync(string purpose, Func<byte[]> sealedKey, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO data_keys (purpose, version, key_encrypted, created_at)
            SELECT @purpose, 1, @key, @now WHERE NOT EXISTS (SELECT 1 FROM data_keys WHERE purpose = @purpose)
            ON CONFLICT DO NOTHING
            """,
            new { purpose, key = sealedKey(), now = time.GetUtcNow() },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<StoredDataKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Purpose, short Version, byte[] Key)>(new CommandDefinition(
            "SELECT purpose, version, key_encrypted FROM data_keys", cancellationToken: cancellationToken));
        return [.. rows.Select(r => new StoredDataKey(r.Purpose, r.Version, r.Key))];
    }
}
