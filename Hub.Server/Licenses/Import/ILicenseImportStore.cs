using Hub.Core.Callers;
using static Hub.Server.Licenses.Import.LicenseImporter;

namespace Hub.Server.Licenses.Import;

/// <summary>A license an issuer already holds under a (type, number): the hash of the imported record (null if issued here), its identifier.</summary>
public sealed record ExistingLicense(byte[]? ImportHash, string Identifier);

/// <summary>Where 归集 batches are written: what an issuer already holds, and one batch of sealed rows at a time.</summary>
public interface ILicenseImportStore
{
    Task<IReadOnlyDictionary<(string TypeCode, string LicenseNumber), ExistingLicense>> FindAsync(
        string issuerOrgCode, IReadOnlyList<(string TypeCode, string LicenseNumber)> keys, CancellationToken cancellationToken);

    Task<ExistingLicense?> FindAsync(string issuerOrgCode, string typeCode, string licenseNumber, CancellationToken cancellationToken);

    /// <summary>Writes the rows with their versions and audit entries in one transaction; the licenses inserted (a number taken meanwhile is skipped), and a task that completes when their entries have indices.</summary>
    Task<(IReadOnlySet<Guid> Inserted, Task Sequenced)> WriteAsync(Caller caller, StagedRow[] rows, DateTimeOffset now, CancellationToken cancellationToken);
}
