using Dapper;
using Hub.Server.Keys;
using Hub.Signing.Merkle;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Server.Audit;

/// <summary>
/// Extends the Merkle tree over newly committed entries and signs a checkpoint of it, in one transaction. Run only
/// by the replica holding the checkpoint lock (see <see cref="Checkpointer"/>).
/// </summary>
public sealed class CheckpointWriter(NpgsqlDataSource dataSource, SigningKeyRing keys, IOptions<AuditOptions> options, TimeProvider time, ILogger<CheckpointWriter> logger)
{
    /// <summary>Largest number of entries added to the tree in one transaction.</summary>
    public const int MaxBatch = 50_000;

    /// <summary>
    /// Signs one checkpoint covering every entry committed when it starts (extending the tree first, in batches of
    /// <see cref="MaxBatch"/> leaves). Returns the new tree size, or null when there was nothing new or an entry
    /// failed its leaf check.
    /// </summary>
    public async Task<long?> WriteAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var committed = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT size FROM log_head", cancellationToken: cancellationToken));
        var lastCheckpoint = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(max(tree_size), 0) FROM checkpoints", cancellationToken: cancellationToken));
        if (committed <= lastCheckpoint)
        {
            return null;
        }

        var stored = await PostgresMerkleStore.StoredSizeAsync(connection, null, cancellationToken);
        while (stored < committed)
        {
            var target = Math.Min(committed, stored + MaxBatch);
            await using var extension = await connection.BeginTransactionAsync(cancellationToken);
            if (await PostgresMerkleStore.ExtendAsync(connection, extension, stored, target, cancellationToken) is { } mismatch)
            {
                // A stored row no longer matches its own leaf hash, or is missing: never sign over it.
                logger.AccessLogTampered(mismatch);
                return null;
            }

            await extension.CommitAsync(cancellationToken);
            stored = target;
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var root = await PostgresMerkleStore.ComputeAsync(connection, transaction, nodes => MerkleTree.Root(committed, nodes), cancellationToken);
        var checkpoint = new Checkpoint(options.Value.Origin, committed, root);
        var key = await keys.ActiveKeyAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO checkpoints (tree_size, root_hash, body, signature, key_id, created_at)
            VALUES (@TreeSize, @root, @body, @signature, @KeyId, @now) ON CONFLICT (tree_size) DO NOTHING
            """,
            new { checkpoint.TreeSize, root, body = checkpoint.Text, signature = key.Sign(checkpoint.Bytes), key.KeyId, now = time.GetUtcNow() },
            transaction,
            cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return committed;
    }
}
