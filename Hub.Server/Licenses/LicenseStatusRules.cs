using Hub.Licenses.V1;

namespace Hub.Server.Licenses;

/// <summary>
/// The license lifecycle: VALID ↔ SUSPENDED; REVOKED and CANCELLED are terminal; EXPIRED is computed from
/// valid_until and never set.
/// </summary>
public static class LicenseStatusRules
{
    public static LicenseStatus Effective(LicenseStatus stored, DateOnly? validUntil, DateOnly today) =>
        stored == LicenseStatus.Valid && validUntil is { } until && today > until ? LicenseStatus.Expired : stored;

    public static bool IsTerminal(LicenseStatus status) => status is LicenseStatus.Revoked or LicenseStatus.Cancelled;

    /// <summary>Null when the transition is allowed, else why not.</summary>
    public static string? RefuseTransition(LicenseStatus from, LicenseStatus to)
    {
        if (IsTerminal(from))
        {
            return $"the license is {Name(from)}, which is final";
        }

        if (from == to)
        {
            return $"the license is already {Name(from)}";
        }

        return to is LicenseStatus.Valid or LicenseStatus.Suspended or LicenseStatus.Revoked or LicenseStatus.Cancelled
            ? null
            : $"a license cannot be set to {Name(to)}";
    }

    public static string Name(LicenseStatus status) => status.ToString().ToUpperInvariant();

    public static LicenseStatus Parse(string stored) => Enum.Parse<LicenseStatus>(stored, ignoreCase: true);
}
