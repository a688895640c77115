using Hub.Core.Access;
using Hub.Core.Events;
using Hub.Core.Ports;
using Hub.Core.Validation;
using Hub.Exemption.V1;

namespace Hub.Server.Obligations;

/// <summary>Where obligations live. Writes run on the caller's transaction, so a change commits with its audit entry.</summary>
public interface IObligationStore
{
    /// <summary>Inserts the obligation unless its case already has one for this material and applicant; returns that one then.</summary>
    Task<StoredObligation?> InsertOrFindAsync(IWriteTransaction transaction, StoredObligation obligation, Guid acceptedBy, CancellationToken cancellationToken);

    /// <summary>Whether the applicant has a recorded breach of any obligation.</summary>
    Task<bool> HasBreachAsync(IWriteTransaction transaction, byte[] holderIndex, CancellationToken cancellationToken);

    /// <summary>The obligation, its row locked until the transaction ends.</summary>
    Task<StoredObligation?> LockAsync(IWriteTransaction transaction, Guid obligationId, CancellationToken cancellationToken);

    Task BreachAsync(IWriteTransaction transaction, Guid obligationId, DateTimeOffset at, Guid by, string note, CancellationToken cancellationToken);

    Task<StoredObligation?> GetAsync(Guid obligationId, CancellationToken cancellationToken);

    Task<(IReadOnlyList<StoredObligation> Obligations, string? NextCursor)> ListAsync(ObligationFilter filter, PageRequest page, DateOnly today, CancellationToken cancellationToken);

    /// <summary>obligation.overdue: each open obligation whose deadline passed since the last notice, once (see DateNotices).</summary>
    Task<int> NoticeOverdueAsync(DateOnly today, Func<StoredObligation, (AccessRecord Entry, IReadOnlyList<ChangeEvent> Events)> describe, CancellationToken cancellationToken);
}

/// <summary>Which obligations a list shows; null means any.</summary>
public sealed record ObligationFilter(string? DepartmentOrg, ObligationStatus? Status, string? MatterCode, byte[]? HolderIndex);
