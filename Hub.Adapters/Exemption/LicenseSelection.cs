using Hub.Exemption.V1;
using Hub.Licenses.V1;

namespace Hub.Adapters.Exemption;

/// <summary>
/// Which of an applicant's licenses replaces a material on a given day: one that is VALID and within its validity;
/// among several, the latest version (then the most recently issued). When none qualifies, the reason comes from the
/// most recently issued candidate.
/// </summary>
public static class LicenseSelection
{
    public static (HolderLicense? Chosen, RequiredReason Reason) Choose(IEnumerable<HolderLicense> candidates, DateOnly on)
    {
        var list = candidates.ToList();
        if (list.Count == 0)
        {
            return (null, RequiredReason.NoLicense);
        }

        var chosen = list.Where(l => ReasonOn(l, on) == RequiredReason.Unspecified)
            .OrderByDescending(l => l.Version)
            .ThenByDescending(l => l.IssuedAt)
            .FirstOrDefault();
        return chosen is not null
            ? (chosen, RequiredReason.Unspecified)
            : (null, ReasonOn(list.OrderByDescending(l => l.IssuedAt).First(), on));
    }

    /// <summary>Why the license cannot stand in for a material on that day, or Unspecified when it can.</summary>
    public static RequiredReason ReasonOn(HolderLicense license, DateOnly on) => license.StoredStatus switch
    {
        LicenseStatus.Suspended => RequiredReason.Suspended,
        LicenseStatus.Revoked => RequiredReason.Revoked,
        LicenseStatus.Cancelled => RequiredReason.Cancelled,
        _ when on < license.ValidFrom => RequiredReason.NotYetValid,
        _ when license.ValidUntil is { } until && on > until => RequiredReason.Expired,
        _ => RequiredReason.Unspecified,
    };

    public static string Describe(RequiredReason reason, string typeNames) => reason switch
    {
        RequiredReason.NoLicense => $"the applicant holds no {typeNames}",
        RequiredReason.Suspended => "the applicant's license is suspended (暂扣)",
        RequiredReason.Revoked => "the applicant's license was revoked (撤销/吊销)",
        RequiredReason.Cancelled => "the applicant's license was cancelled (注销)",
        RequiredReason.Expired => "the applicant's license had expired on the check date",
        RequiredReason.NotYetValid => "the applicant's license was not yet valid on the check date",
        _ => string.Empty,
    };
}
