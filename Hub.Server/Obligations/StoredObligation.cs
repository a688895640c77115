using Google.Protobuf.WellKnownTypes;
using Hub.Core.Time;
using Hub.Exemption.V1;

namespace Hub.Server.Obligations;

/// <summary>
/// An obligation as stored: what was accepted, from whom (blind index only), by when proof is due, and what became of
/// it. OVERDUE is not stored: it is an open obligation read after its deadline (<see cref="StatusOn"/>).
/// </summary>
public sealed record StoredObligation(
    Guid ObligationId,
    string MatterCode,
    string MaterialCode,
    string CaseNumber,
    string DepartmentOrg,
    byte[] HolderIndex,
    AcceptanceMode Mode,
    ObligationStatus StoredStatus,
    IReadOnlyList<string> AcceptedTypeCodes,
    DateOnly AcceptedOn,
    DateOnly Deadline,
    string CommitmentText,
    string OnBreach,
    DateTimeOffset AcceptedAt,
    string? FulfilledByLicense = null,
    DateTimeOffset? FulfilledAt = null,
    DateTimeOffset? BreachedAt = null,
    string? BreachNote = null)
{
    /// <summary>The status on <paramref name="today"/>: an open obligation past its deadline is OVERDUE.</summary>
    public ObligationStatus StatusOn(DateOnly today) =>
        StoredStatus == ObligationStatus.Open && Deadline < today ? ObligationStatus.Overdue : StoredStatus;

    public static string Name(ObligationStatus status) => status switch
    {
        ObligationStatus.Open => "OPEN",
        ObligationStatus.Fulfilled => "FULFILLED",
        ObligationStatus.Overdue => "OVERDUE",
        ObligationStatus.Breached => "BREACHED",
        _ => "UNSPECIFIED",
    };

    public static string Name(AcceptanceMode mode) => mode == AcceptanceMode.Commitment ? "COMMITMENT" : "DEFICIENCY_TOLERATED";

    public Obligation ToMessage(DateOnly today) => new()
    {
        ObligationId = ObligationId.ToString(),
        MatterCode = MatterCode,
        MaterialCode = MaterialCode,
        CaseNumber = CaseNumber,
        DepartmentCode = DepartmentOrg,
        Mode = Mode,
        Status = StatusOn(today),
        AcceptedTypeCodes = { AcceptedTypeCodes },
        AcceptedOn = ChinaCalendar.ToDate(AcceptedOn),
        Deadline = ChinaCalendar.ToDate(Deadline),
        CommitmentText = CommitmentText,
        OnBreach = OnBreach,
        AcceptedAt = Timestamp.FromDateTimeOffset(AcceptedAt),
        FulfilledByLicense = FulfilledByLicense ?? string.Empty,
        FulfilledAt = FulfilledAt is { } fulfilled ? Timestamp.FromDateTimeOffset(fulfilled) : null,
        BreachedAt = BreachedAt is { } breached ? Timestamp.FromDateTimeOffset(breached) : null,
        BreachNote = BreachNote ?? string.Empty,
    };
}
