using Hub.Core.Access;
using Hub.Core.Events;
using Hub.Core.Ports;
using Hub.Licenses.V1;

namespace Hub.Server.Licenses;

/// <summary>
/// Licenses and their sealed versions. Sealed content is stored only encrypted (bound to its identifier), holders
/// only as blind indexes. Methods given an <see cref="IWriteTransaction"/> change or lock rows in it, so a change
/// commits with its audit entry and its request_id's stored response; the others read on their own.
/// </summary>
public interface ILicenseStore
{
    /// <summary>The sealed content encrypted at rest, bound to its identifier.</summary>
    byte[] EncryptContent(SealedVersion version);

    /// <summary>A version by identifier, with its license's live state; null when unknown.</summary>
    Task<StoredLicense?> FindAsync(string identifier, CancellationToken cancellationToken);

    /// <summary>A version by identifier, its license's row locked until the transaction ends.</summary>
    Task<StoredLicense?> FindForUpdateAsync(IWriteTransaction transaction, string identifier, CancellationToken cancellationToken);

    /// <summary>The current version of a license, as the transaction sees it.</summary>
    Task<StoredLicense> CurrentAsync(IWriteTransaction transaction, Guid licenseId, CancellationToken cancellationToken);

    /// <summary>Stores a sealed version of an existing license and makes it the license's current one.</summary>
    Task InsertVersionAsync(IWriteTransaction transaction, Guid licenseId, SealedVersion version, Guid createdBy, DateTimeOffset now, CancellationToken cancellationToken);

    Task UpdateStatusAsync(IWriteTransaction transaction, Guid licenseId, LicenseStatus status, string reason, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Who relied on the license since <paramref name="since"/>, from the access log: each caller that verified a
    /// version of it and found it valid, or had a license of its type waive a material or satisfy a check for its
    /// holder — once per caller and case number or matter, the latest first, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<Reliance>> ReliancesAsync(IWriteTransaction transaction, StoredLicense license, DateTimeOffset since, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Notices the licenses whose validity ended since the last notice (still VALID, their last day before today):
    /// each gets the entry and events <paramref name="describe"/> gives it, in one transaction. Returns how many.
    /// </summary>
    Task<int> NoticeExpiriesAsync(
        DateOnly today, Func<StoredLicense, Task<(AccessRecord Entry, IReadOnlyList<ChangeEvent> Events)>> describe, CancellationToken cancellationToken);

    /// <summary>A license's live state: current version, status and its reason.</summary>
    Task<LicenseState> ReadStateAsync(Guid licenseId, CancellationToken cancellationToken);

    /// <summary>A holder's licenses (current versions), newest first, keyset-paged by (issued_at, license_id).</summary>
    Task<(IReadOnlyList<StoredLicense> Licenses, string? NextCursor)> ListByHolderAsync(byte[] holderIndex, int pageSize, string? cursor, CancellationToken cancellationToken);

    /// <summary>A holder's current versions of the given types, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredLicense>> FindByHolderAsync(byte[] holderIndex, IReadOnlyCollection<string> typeCodes, int limit, CancellationToken cancellationToken);
}

/// <summary>A caller's reliance on a license: the access-log entry of its verification or 免证办 check.</summary>
public sealed record Reliance(Guid CallerId, string Action, string? CaseNumber, string? MatterCode, long LogIndex);
