using Hub.Adapters.Ports;
using Hub.Core.Time;
using Hub.Exemption.V1;

namespace Hub.Adapters.Exemption;

/// <summary>
/// With no license to waive a material: whether it may be accepted on commitment (告知承诺) or as deficient (容缺后补),
/// on which terms and by when — or why not. One rule for CheckMatter's answer and for AcceptOnCommitment's refusal.
/// </summary>
public static class MaterialAcceptanceRule
{
    /// <summary>The modes the material allows, commitment first.</summary>
    public static IReadOnlyList<AcceptanceMode> AllowedModes(MaterialDefinition material) =>
        [.. new[] { (AcceptanceMode.Commitment, material.Commitment), (AcceptanceMode.DeficiencyTolerated, material.Deficiency) }
            .Where(m => m.Item2 is not null).Select(m => m.Item1)];

    public static MaterialTerms? Terms(MaterialDefinition material, AcceptanceMode mode) => mode switch
    {
        AcceptanceMode.Commitment => material.Commitment,
        AcceptanceMode.DeficiencyTolerated => material.Deficiency,
        _ => null,
    };

    /// <summary>True when the material excludes applicants in breach and this one has a recorded breach.</summary>
    public static bool Excludes(MaterialDefinition material, ApplicantStanding standing) =>
        material.ExcludeBreachedApplicants && standing.HasBreach && AllowedModes(material).Count > 0;

    /// <summary>
    /// How the material is accepted: the case's open obligation for it if the department already accepted it, else the
    /// first mode it allows with the deadline acceptance today would set; null when it must be submitted.
    /// </summary>
    public static MaterialAcceptance? Decide(MaterialDefinition material, ApplicantStanding standing, DateOnly today, WorkingCalendar calendar)
    {
        var allowed = AllowedModes(material);
        if (standing.InCase.FirstOrDefault(o => o.Open && o.MaterialCode == material.MaterialCode) is { } accepted)
        {
            return Describe(material, accepted.Mode, accepted.Deadline, allowed, accepted.ObligationId);
        }

        if (allowed.Count == 0 || Excludes(material, standing))
        {
            return null;
        }

        var mode = allowed[0];
        return Describe(material, mode, calendar.AddWorkingDays(today, Terms(material, mode)!.DeadlineWorkingDays), allowed, null);
    }

    private static MaterialAcceptance Describe(MaterialDefinition material, AcceptanceMode mode, DateOnly deadline, IReadOnlyList<AcceptanceMode> allowed, Guid? obligationId)
    {
        var terms = Terms(material, mode);
        return new MaterialAcceptance
        {
            Mode = mode,
            Deadline = ChinaCalendar.ToDate(deadline),
            DeadlineWorkingDays = terms?.DeadlineWorkingDays ?? 0,
            CommitmentText = terms?.CommitmentText ?? string.Empty,
            OnBreach = terms?.OnBreach ?? string.Empty,
            ObligationId = obligationId?.ToString() ?? string.Empty,
            AllowedModes = { allowed },
        };
    }
}
