using Hub.Core.Disclosure;
using Hub.Licenses.V1;
using Hub.Server.Catalogue;

namespace Hub.Server.Licenses;

/// <summary>
/// How other features (verification, 免证办, 亮证) find licenses and show them: a version by identifier with its live
/// state (cached per replica, evicted on every change), the view a caller may see, and the audit record of the access.
/// </summary>
public interface ILicenseDirectory
{
    Task<StoredLicense?> FindAsync(string identifier, CancellationToken cancellationToken);

    /// <summary>The license as this caller may see it, through the one disclosure policy.</summary>
    (License License, DisclosedRecord Disclosed) View(StoredLicense stored, LicenseTypeDefinition type, DisclosureContext context, DateOnly today);

    /// <summary>Call after a change to a license commits: every replica drops its cached state.</summary>
    Task ChangedAsync(Guid licenseId, CancellationToken cancellationToken);
}
