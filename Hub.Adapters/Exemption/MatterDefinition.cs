namespace Hub.Adapters.Exemption;

/// <summary>A 政务服务事项 and the materials it requires.</summary>
public sealed record MatterDefinition(string MatterCode, string Name, string DepartmentCode, IReadOnlyList<MaterialDefinition> Materials);

/// <summary>
/// A required material and the license types that replace it, with the fields the department needs; and whether, with
/// no license, it may be accepted on commitment (告知承诺) or as deficient (容缺后补), and not for applicants in breach.
/// </summary>
public sealed record MaterialDefinition(string MaterialCode, string Name, IReadOnlyList<string> AcceptedTypeCodes, IReadOnlyList<string> NeededFields)
{
    public MaterialTerms? Commitment { get; init; }

    public MaterialTerms? Deficiency { get; init; }

    public bool ExcludeBreachedApplicants { get; init; }
}

/// <summary>When proof is due after acceptance (working days), what the applicant promises, and what a breach costs.</summary>
public sealed record MaterialTerms(int DeadlineWorkingDays, string CommitmentText, string OnBreach);
