using Hub.Exemption.V1;

namespace Hub.Adapters.Ports;

/// <summary>What 承诺办 / 容缺办 needs to know about an applicant: any recorded breach, and what a case already accepted.</summary>
public interface IApplicantStanding
{
    /// <summary>
    /// Whether the applicant has a recorded breach of any obligation, and the obligations <paramref name="departmentOrg"/>
    /// accepted in <paramref name="caseNumber"/> for <paramref name="matterCode"/>.
    /// </summary>
    Task<ApplicantStanding> FindAsync(byte[] holderIndex, string departmentOrg, string caseNumber, string matterCode, CancellationToken cancellationToken);
}

/// <summary>An applicant's standing for one case.</summary>
public sealed record ApplicantStanding(bool HasBreach, IReadOnlyList<CaseObligation> InCase)
{
    public static readonly ApplicantStanding Clean = new(false, []);
}

/// <summary>An obligation accepted in a case: its material, how it was accepted, by when proof is due, and whether still open.</summary>
public sealed record CaseObligation(Guid ObligationId, string MaterialCode, AcceptanceMode Mode, DateOnly Deadline, bool Open);
