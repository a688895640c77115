namespace Hub.Server.Audit;

/// <summary>
/// Where checkpoints are written: the committed log size, the Merkle tree's stored leaves, and the signed
/// checkpoints. Only the replica holding the lease (<see cref="TryLeadAsync"/>) writes.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>The lease that makes this replica the one checkpoint writer, held until disposed; null when another holds it.</summary>
    Task<ICheckpointLease?> TryLeadAsync(CancellationToken cancellationToken);

    /// <summary>Entries committed to the log, and the size of the latest checkpoint.</summary>
    Task<(long Committed, long Checkpointed)> SizesAsync(CancellationToken cancellationToken);

    /// <summary>Size of the tree the stored nodes describe.</summary>
    Task<long> StoredLeavesAsync(CancellationToken cancellationToken);

    /// <summary>Adds the tree's nodes for leaves [fromSize, toSize) in one transaction; the index of an entry that fails its leaf check, or null.</summary>
    Task<long?> ExtendAsync(long fromSize, long toSize, CancellationToken cancellationToken);

    Task<byte[]> RootAsync(long treeSize, CancellationToken cancellationToken);

    /// <summary>Stores a signed checkpoint (a second one of the same size is ignored).</summary>
    Task InsertAsync(long treeSize, byte[] root, string body, byte[] signature, string keyId, DateTimeOffset createdAt, CancellationToken cancellationToken);

    /// <summary>Keeps a witness's cosignature line of a checkpoint (a second one from the same witness replaces it).</summary>
    Task AddCosignatureAsync(long treeSize, string witness, string line, DateTimeOffset cosignedAt, CancellationToken cancellationToken);

    /// <summary>The cosignature lines kept for a checkpoint, by witness name.</summary>
    Task<IReadOnlyList<string>> CosignaturesAsync(long treeSize, CancellationToken cancellationToken);
}

/// <summary>This replica's hold on checkpoint writing; lost with its connection, so a dead holder frees it.</summary>
public interface ICheckpointLease : IAsyncDisposable
{
    /// <summary>Entries committed but not yet in a checkpoint, asked over the lease itself (a lost lease fails here).</summary>
    Task<long> PendingAsync(CancellationToken cancellationToken);
}
