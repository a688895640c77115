using Hub.Server.Keys;
using Hub.Signing.Merkle;
using Microsoft.Extensions.Options;

namespace Hub.Server.Audit;

/// <summary>
/// Extends the Merkle tree over newly committed entries and signs a checkpoint of it. Run only by the replica holding
/// the checkpoint lease (see <see cref="Checkpointer"/>).
/// </summary>
public sealed class CheckpointWriter(ICheckpointStore store, ISigningKeyRing keys, IOptions<AuditOptions> options, TimeProvider time, ILogger<CheckpointWriter> logger)
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
        var (committed, lastCheckpoint) = await store.SizesAsync(cancellationToken);
        if (committed <= lastCheckpoint)
        {
            return null;
        }

        var stored = await store.StoredLeavesAsync(cancellationToken);
        while (stored < committed)
        {
            var target = Math.Min(committed, stored + MaxBatch);
            if (await store.ExtendAsync(stored, target, cancellationToken) is { } mismatch)
            {
                // A stored row no longer matches its own leaf hash, or is missing: never sign over it.
                logger.AccessLogTampered(mismatch);
                return null;
            }

            stored = target;
        }

        var root = await store.RootAsync(committed, cancellationToken);
        var checkpoint = new Checkpoint(options.Value.Origin, committed, root);
        var key = await keys.ActiveKeyAsync(cancellationToken);
        await store.InsertAsync(checkpoint.TreeSize, root, checkpoint.Text, key.Sign(checkpoint.Bytes), key.KeyId, time.GetUtcNow(), cancellationToken);
        return committed;
    }
}
