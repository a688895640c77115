using Hub.Core.Access;
using Hub.Core.Events;
using Hub.Core.Ports;
using Hub.Exchange.V1;

namespace Hub.Server.Exchange;

/// <summary>
/// Grants (供需对接). Writes run in the caller's <see cref="IWriteTransaction"/>, so a grant's change commits with its
/// audit entry and its request_id's stored response. OVERDUE and EXPIRED are never stored: they follow from the dates.
/// </summary>
public interface IGrantStore
{
    Task InsertAsync(IWriteTransaction transaction, StoredGrant grant, Guid? decidedBy, CancellationToken cancellationToken);

    /// <summary>The grant, its row locked until the transaction ends (decisions and revocations serialise on it).</summary>
    Task<StoredGrant?> LockAsync(IWriteTransaction transaction, Guid grantId, CancellationToken cancellationToken);

    Task DecideAsync(IWriteTransaction transaction, Guid grantId, GrantStatus status, DateTimeOffset at, Guid by, string reason, DateOnly? expiresOn, CancellationToken cancellationToken);

    Task RevokeAsync(IWriteTransaction transaction, Guid grantId, DateTimeOffset at, Guid by, string reason, CancellationToken cancellationToken);

    /// <summary>A grant this consumer holds on the resource that is waiting for a decision, if any.</summary>
    Task<Guid?> FindWaitingAsync(IWriteTransaction transaction, Guid consumerId, string resourceCode, CancellationToken cancellationToken);

    Task<StoredGrant?> FindAsync(Guid grantId, CancellationToken cancellationToken);

    /// <summary>
    /// Notices the grants whose due date (pending ones: grant.overdue) or expiry date (approved ones: grant.expired,
    /// when <paramref name="expiries"/>) passed since the last notice; each gets the entry and events
    /// <paramref name="describe"/> gives it, in one transaction. Returns how many.
    /// </summary>
    Task<int> NoticeDeadlinesAsync(
        DateOnly today, bool expiries, Func<StoredGrant, (AccessRecord Entry, IReadOnlyList<ChangeEvent> Events)> describe, CancellationToken cancellationToken);

    /// <summary>The grant a query runs under: the consumer's most recently decided grant on the resource that is in force today.</summary>
    Task<StoredGrant?> FindInForceAsync(Guid consumerId, string resourceCode, DateOnly today, CancellationToken cancellationToken);

    /// <summary>The consumer's latest grant on the resource whatever its status, to explain a refusal.</summary>
    Task<StoredGrant?> FindLatestAsync(Guid consumerId, string resourceCode, CancellationToken cancellationToken);

    /// <summary>Newest first, keyset-paged by grant id (time-ordered UUIDv7), narrowed by scope, status and resource.</summary>
    Task<(IReadOnlyList<StoredGrant> Grants, string? NextCursor)> ListAsync(GrantFilter filter, DateOnly today, int pageSize, string? cursor, CancellationToken cancellationToken);
}
