using Dapper;
using Hub.Signing.Merkle;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Server.Audit;

/// <summary>
/// <see cref="ICheckpointStore"/> in PostgreSQL. The lease is a session-level advisory lock on a connection of its own:
/// if the replica holding it dies, PostgreSQL drops the session and another replica takes over at its next try.
/// </summary>
public sealed class PostgresCheckpointStore(NpgsqlDataSource dataSource) : ICheckpointStore
{
    /// <summary>
    /// The advisory lock whose holder is the one replica that writes checkpoints (visible in <c>pg_locks</c>): an
    /// arbitrary constant shared by every replica, "hub-ckpt".
    /// </summary>
    public const long LeaderLockKey = 0x6875622D636B7074;

    public async Task<ICheckpointLease?> TryLeadAsync(CancellationToken cancellationToken) =>
        await SessionAdvisoryLock.TryTakeAsync(dataSource, LeaderLockKey, cancellationToken) is { } connection ? new Lease(connection) : null;

    public async Task<(long Committed, long Checkpointed)> SizesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(
            "SELECT (SELECT size FROM log_head), COALESCE((SELECT max(tree_size) FROM checkpoints), 0)", cancellationToken: cancellationToken));
    }

    public async Task<long> StoredLeavesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await PostgresMerkleStore.StoredSizeAsync(connection, null, cancellationToken);
    }

    public async Task<long?> ExtendAsync(long fromSize, long toSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await PostgresMerkleStore.ExtendAsync(connection, transaction, fromSize, toSize, cancellationToken) is { } mismatch)
        {
            return mismatch;
        }

        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    public async Task<byte[]> RootAsync(long treeSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await PostgresMerkleStore.ComputeAsync(connection, null, nodes => MerkleTree.Root(treeSize, nodes), cancellationToken);
    }

    public async Task InsertAsync(long treeSize, byte[] root, string body, byte[] signature, string keyId, DateTimeOffset createdAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO checkpoints (tree_size, root_hash, body, signature, key_id, created_at)
            VALUES (@treeSize, @root, @body, @signature, @keyId, @createdAt) ON CONFLICT (tree_size) DO NOTHING
            """,
            new { treeSize, root, body, signature, keyId, createdAt },
            cancellationToken: cancellationToken));
    }

    public async Task AddCosignatureAsync(long treeSize, string witness, string line, DateTimeOffset cosignedAt, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO checkpoint_cosignatures (tree_size, witness, line, cosigned_at) VALUES (@treeSize, @witness, @line, @cosignedAt)
            ON CONFLICT (tree_size, witness) DO UPDATE SET line = excluded.line, cosigned_at = excluded.cosigned_at
            """,
            new { treeSize, witness, line, cosignedAt },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<string>> CosignaturesAsync(long treeSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT line FROM checkpoint_cosignatures WHERE tree_size = @treeSize ORDER BY witness", new { treeSize }, cancellationToken: cancellationToken))];
    }

    private sealed class Lease(NpgsqlConnection connection) : ICheckpointLease
    {
        public async Task<long> PendingAsync(CancellationToken cancellationToken) =>
            await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT (SELECT size FROM log_head) - COALESCE((SELECT max(tree_size) FROM checkpoints), 0)", cancellationToken: cancellationToken));

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
