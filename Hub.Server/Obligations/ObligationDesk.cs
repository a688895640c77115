using Hub.Adapters.Exemption;
using Hub.Adapters.Ports;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Events;
using Hub.Core.Ports;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Exemption.V1;

namespace Hub.Server.Obligations;

/// <summary>
/// 承诺办 / 容缺办: a department accepts a material on the applicant's commitment or as deficient, creating an
/// obligation with a working-day deadline; it records a breach; it and the supervision platform list them. Each change
/// runs once per request_id and commits with its audit entry (naming the applicant's blind index, so it shows in their
/// access history) and its events. Fulfilment is the license writers' (<see cref="Infrastructure.Postgres.ObligationFulfilment"/>).
/// </summary>
public sealed class ObligationDesk(
    IIdempotentRunner requests,
    IMatterCatalogue matters,
    IHolderLicenseSource licenses,
    IObligationStore obligations,
    WorkingCalendar calendar,
    TimeProvider time)
{
    public async Task<Outcome<AcceptOnCommitmentResponse>> AcceptAsync(Caller caller, AcceptOnCommitmentCommand command, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var matter = await matters.FindAsync(command.MatterCode, cancellationToken);
        if (matter is null)
        {
            return HubError.NotFound(ReasonCodes.MatterNotFound, "no matter has this matter_code; list matters with ListMatters.");
        }

        var material = matter.Materials.FirstOrDefault(m => m.MaterialCode == command.MaterialCode);
        if (material is null)
        {
            return HubError.NotFound(ReasonCodes.MaterialNotFound, $"matter {matter.MatterCode} has no material {command.MaterialCode}; its materials are {string.Join(", ", matter.Materials.Select(m => m.MaterialCode))}.");
        }

        if (MaterialAcceptanceRule.Terms(material, command.Mode) is not { } terms)
        {
            var allowed = MaterialAcceptanceRule.AllowedModes(material);
            return HubError.FailedPrecondition(ReasonCodes.AcceptanceNotAllowed, allowed.Count == 0
                ? $"material {material.MaterialCode} of matter {matter.MatterCode} must be submitted: it allows neither commitment nor deficiency."
                : $"material {material.MaterialCode} of matter {matter.MatterCode} does not allow {StoredObligation.Name(command.Mode)}; it allows {string.Join(", ", allowed.Select(StoredObligation.Name))}.");
        }

        var holderIndex = licenses.HolderIndex(command.Applicant.IdType, command.Applicant.IdNumber);
        var held = await licenses.FindAsync(holderIndex, material.AcceptedTypeCodes, cancellationToken);
        if (LicenseSelection.Choose(held, today).Chosen is { } license)
        {
            return HubError.FailedPrecondition(ReasonCodes.LicenseHeld, $"the applicant holds license {license.Identifier}, which waives material {material.MaterialCode}: nothing is owed (CheckMatter shows it WAIVED).")
                with { Metadata = new Dictionary<string, string> { ["license_identifier"] = license.Identifier } };
        }

        return await requests.RunInTransactionAsync<AcceptOnCommitmentResponse>(caller.Id, command.RequestId, AuditActions.ObligationsAcceptOnCommitment, command.Request, async transaction =>
        {
            if (material.ExcludeBreachedApplicants && await obligations.HasBreachAsync(transaction, holderIndex, cancellationToken))
            {
                return HubError.FailedPrecondition(ReasonCodes.ApplicantInBreach, $"the applicant has a recorded breach of an obligation; material {material.MaterialCode} of matter {matter.MatterCode} is not accepted on commitment or as deficient for them.");
            }

            var now = time.GetUtcNow();
            var obligation = new StoredObligation(
                Guid.CreateVersion7(now), matter.MatterCode, material.MaterialCode, command.CaseNumber, caller.OrgCode, holderIndex, command.Mode,
                ObligationStatus.Open, material.AcceptedTypeCodes, today, calendar.AddWorkingDays(today, terms.DeadlineWorkingDays),
                terms.CommitmentText, terms.OnBreach, now);
            if (await obligations.InsertOrFindAsync(transaction, obligation, caller.Id, cancellationToken) is { } existing)
            {
                return new AcceptOnCommitmentResponse { Obligation = existing.ToMessage(today), Created = false };
            }

            await transaction.AuditAsync(Audit(caller, AuditActions.ObligationsAcceptOnCommitment, obligation, "OPEN"), ObligationEvents.For(EventTypes.ObligationAccepted, obligation, "OPEN"), cancellationToken);
            return new AcceptOnCommitmentResponse { Obligation = obligation.ToMessage(today), Created = true };
        }, cancellationToken);
    }

    public async Task<Outcome<RecordBreachResponse>> BreachAsync(Caller caller, RecordBreachCommand command, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        return await requests.RunInTransactionAsync<RecordBreachResponse>(caller.Id, command.RequestId, AuditActions.ObligationsRecordBreach, command.Request, async transaction =>
        {
            var obligation = await obligations.LockAsync(transaction, command.ObligationId, cancellationToken);
            if (obligation is null || !MaySee(caller, obligation))
            {
                return NotFound();
            }

            if (obligation.DepartmentOrg != caller.OrgCode)
            {
                return HubError.PermissionDenied(ReasonCodes.NotObligationDepartment, $"only the accepting department ({obligation.DepartmentOrg}) records a breach of its obligation.");
            }

            var status = obligation.StatusOn(today);
            if (status is not (ObligationStatus.Open or ObligationStatus.Overdue))
            {
                return HubError.FailedPrecondition(ReasonCodes.ObligationClosed, $"obligation is {StoredObligation.Name(status)}; only an open or overdue obligation can be breached.");
            }

            var now = time.GetUtcNow();
            await obligations.BreachAsync(transaction, obligation.ObligationId, now, caller.Id, command.Note, cancellationToken);
            var breached = obligation with { StoredStatus = ObligationStatus.Breached, BreachedAt = now, BreachNote = command.Note };
            await transaction.AuditAsync(
                Audit(caller, AuditActions.ObligationsRecordBreach, breached, "BREACHED"),
                ObligationEvents.For(EventTypes.ObligationBreached, breached, "BREACHED"),
                cancellationToken);
            return new RecordBreachResponse { Obligation = breached.ToMessage(today) };
        }, cancellationToken);
    }

    public async Task<Outcome<GetObligationResponse>> GetAsync(Caller caller, Guid obligationId, CancellationToken cancellationToken)
    {
        var obligation = await obligations.GetAsync(obligationId, cancellationToken);
        return obligation is null || !MaySee(caller, obligation)
            ? NotFound()
            : new GetObligationResponse { Obligation = obligation.ToMessage(ChinaCalendar.Today(time)) };
    }

    public async Task<Outcome<ListObligationsResponse>> ListAsync(Caller caller, ListObligationsCommand command, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var department = SeesEveryDepartment(caller) ? command.DepartmentOrg : caller.OrgCode;
        var holder = command.Applicant is { } applicant ? licenses.HolderIndex(applicant.IdType, applicant.IdNumber) : null;
        var (found, next) = await obligations.ListAsync(new ObligationFilter(department, command.Status, command.MatterCode, holder), command.Page, today, cancellationToken);
        return new ListObligationsResponse
        {
            Obligations = { found.Select(o => o.ToMessage(today)) },
            NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next),
        };
    }

    /// <summary>The supervision platform (SUPERVISOR) and auditors see every department's obligations; a department its own.</summary>
    private static bool SeesEveryDepartment(Caller caller) => caller.Has(Role.Supervisor) || caller.Has(Role.Auditor);

    private static bool MaySee(Caller caller, StoredObligation obligation) => SeesEveryDepartment(caller) || obligation.DepartmentOrg == caller.OrgCode;

    // Another department's obligation is "not found", so ids cannot be probed across departments.
    private static HubError NotFound() => HubError.NotFound(ReasonCodes.ObligationNotFound, "no obligation of yours has this obligation_id.");

    private static AccessRecord Audit(Caller caller, string action, StoredObligation obligation, string outcome) => new()
    {
        CallerId = caller.Id,
        Action = action,
        ObjectType = AuditObjects.Obligation,
        ObjectId = obligation.ObligationId.ToString(),
        HolderIndex = obligation.HolderIndex,
        Purpose = obligation.Mode == AcceptanceMode.Commitment ? "告知承诺" : "容缺受理",
        MatterCode = obligation.MatterCode,
        CaseNumber = obligation.CaseNumber,
        Fields = [obligation.MaterialCode],
        Outcome = outcome,
    };
}
