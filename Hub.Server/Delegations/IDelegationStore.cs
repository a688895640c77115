using Hub.Core.Ports;
using Hub.Core.Validation;

namespace Hub.Server.Delegations;

/// <summary>Where delegations live. Grants and revocations run on the caller's transaction, so they commit with their audit entry.</summary>
public interface IDelegationStore
{
    Task InsertAsync(IWriteTransaction transaction, StoredDelegation delegation, Guid grantedBy, CancellationToken cancellationToken);

    /// <summary>The delegation, its row locked until the transaction ends.</summary>
    Task<StoredDelegation?> LockAsync(IWriteTransaction transaction, Guid delegationId, CancellationToken cancellationToken);

    Task RevokeAsync(IWriteTransaction transaction, Guid delegationId, DateTimeOffset at, CancellationToken cancellationToken);

    Task<StoredDelegation?> GetAsync(Guid delegationId, CancellationToken cancellationToken);

    /// <summary>
    /// Counts one use if the delegation is still active at <paramref name="now"/> and, when single-use, unused — in one
    /// statement, so two replicas racing for a single use cannot both win. False when it did not count.
    /// </summary>
    Task<bool> TryUseAsync(Guid delegationId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks an active delegation ENDED (its organisation's legal representative changed).</summary>
    Task EndAsync(Guid delegationId, CancellationToken cancellationToken);

    /// <summary>Newest first: the delegations this holder granted (<paramref name="asPrincipal"/>) or holds.</summary>
    Task<(IReadOnlyList<StoredDelegation> Delegations, string? NextCursor)> ListAsync(byte[] holderIndex, bool asPrincipal, PageRequest page, CancellationToken cancellationToken);
}
