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

    /// <summary>Checkpoints every committed entry not yet covered. Returns the new tree size, or null when nothing was to do.</summary>
    public async Task<long?> WriteAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long? written = null;
        while (true)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var committed = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT size FROM log_head", transaction: transaction, cancellationToken: cancellationToken));
            var stored = await PostgresMerkleStore.StoredSizeAsync(connection, transaction, cancellationToken);
            var lastCheckpoint = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COALESCE(max(tree_size), 0) FROM checkpoints", transaction: transaction, cancellationToken: cancellationToken));
            if (committed == lastCheckpoint && stored == committed)
            {
                return written;
            }

            var target = Math.Min(committed, stored + MaxBatch);
            if (target > stored)
            {
                var mismatch = await PostgresMerkleStore.ExtendAsync(connection, transaction, stored, target, cancellationToken);
                if (mismatch is { } index)
                {
                    // A stored row no longer matches its own leaf hash, or is missing: never sign over it.
                    logger.AccessLogTampered(index);
                    await transaction.RollbackAsync(cancellationToken);
                    return written;
                }
            }

            var root = await PostgresMerkleStore.ComputeAsync(connection, transaction, nodes => MerkleTree.Root(target, nodes), cancellationToken);
            var checkpoint = new Checkpoint(options.Value.Origin, target, root);
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
            written = target;
        }
    }
}
