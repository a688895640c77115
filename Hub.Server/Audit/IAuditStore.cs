using Hub.Audit.V1;
using Hub.Core.Validation;

namespace Hub.Server.Audit;

/// <summary>What QueryAccessLog narrows by; null means no filter.</summary>
public sealed record AccessLogFilter(Guid? CallerId, byte[]? HolderIndex, DateTimeOffset? From, DateTimeOffset? To, string? Action, string? MatterCode);

/// <summary>The access log as auditors read it: entries newest first, checkpoints, proofs over the Merkle tree.</summary>
public interface IAuditStore
{
    Task<(IReadOnlyList<Hub.Audit.V1.AccessLogEntry> Entries, string NextPageToken)> QueryAsync(AccessLogFilter filter, PageRequest page, CancellationToken cancellationToken);

    Task<(IReadOnlyList<Hub.Audit.V1.AccessLogEntry> Entries, string NextPageToken)> HolderHistoryAsync(byte[] holderIndex, PageRequest page, CancellationToken cancellationToken);

    /// <summary>The latest checkpoint as stored (its size and root are the columns' word: believe only the signed body), or null before the first.</summary>
    Task<GetCheckpointResponse?> LatestCheckpointAsync(CancellationToken cancellationToken);

    Task<(IReadOnlyList<byte[]> Proof, byte[] LeafHash)> InclusionProofAsync(long index, long treeSize, CancellationToken cancellationToken);

    Task<IReadOnlyList<byte[]>> ConsistencyProofAsync(long fromSize, long toSize, CancellationToken cancellationToken);

    /// <summary>Entries [fromIndex, fromIndex + count) with the leaf hash the tree holds for each (empty before it is checkpointed).</summary>
    Task<IReadOnlyList<EntryWithLeaf>> EntriesAsync(long fromIndex, int count, CancellationToken cancellationToken);
}
