using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Validation;
using Hub.Exemption.V1;

namespace Hub.Server.Obligations;

/// <summary>AcceptOnCommitment: which material of which matter, in which case, for which applicant, how.</summary>
public sealed record AcceptOnCommitmentCommand(
    string RequestId, string CaseNumber, string MatterCode, string MaterialCode, HolderInput Applicant, AcceptanceMode Mode, AcceptOnCommitmentRequest Request)
{
    public static Outcome<AcceptOnCommitmentCommand> Parse(AcceptOnCommitmentRequest request, HolderInputParser holders, DateOnly today)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var caseNumber = violations.Text("case_number", request.CaseNumber, InputLimits.CodeLength);
        var matterCode = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength);
        var materialCode = violations.Text("material_code", request.MaterialCode, InputLimits.CodeLength);
        var applicant = holders.Parse(request.Applicant, "applicant", violations, today, nameRequired: false);
        var mode = violations.Enum("mode", request.Mode);
        return violations.ToError() is { } invalid
            ? invalid
            : new AcceptOnCommitmentCommand(requestId, caseNumber, matterCode, materialCode, applicant, mode, request);
    }
}

/// <summary>RecordBreach: which obligation, and what was breached.</summary>
public sealed record RecordBreachCommand(string RequestId, Guid ObligationId, string Note, RecordBreachRequest Request)
{
    public static Outcome<RecordBreachCommand> Parse(RecordBreachRequest request)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var obligationId = ObligationIdInput.Parse(request.ObligationId, violations);
        var note = violations.Text("note", request.Note, InputLimits.ReasonLength);
        return violations.ToError() is { } invalid ? invalid : new RecordBreachCommand(requestId, obligationId, note, request);
    }
}

/// <summary>ListObligations: the filters and the page; the applicant, when given, is matched by blind index.</summary>
public sealed record ListObligationsCommand(string? DepartmentOrg, ObligationStatus? Status, string? MatterCode, HolderInput? Applicant, PageRequest Page)
{
    public static Outcome<ListObligationsCommand> Parse(ListObligationsRequest request, HolderInputParser holders, DateOnly today)
    {
        var violations = new Violations();
        var department = violations.Text("department_code", request.DepartmentCode, InputLimits.OrgCodeLength, required: false).ToUpperInvariant();
        var matter = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength, required: false);
        ObligationStatus? status = request.Status == ObligationStatus.Unspecified ? null : violations.Enum("status", request.Status);
        var applicant = request.Applicant is null ? null : holders.Parse(request.Applicant, "applicant", violations, today, nameRequired: false);
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        return violations.ToError() is { } invalid
            ? invalid
            : new ListObligationsCommand(department.Length > 0 ? department : null, status, matter.Length > 0 ? matter : null, applicant, page);
    }
}

/// <summary>An obligation_id: a UUID the hub gave out.</summary>
public static class ObligationIdInput
{
    public static Guid Parse(string value, Violations violations) =>
        violations.Uuid("obligation_id", value, "an obligation id (a UUID returned by AcceptOnCommitment)");

    public static Outcome<Guid> Parse(string value)
    {
        var violations = new Violations();
        var id = Parse(value, violations);
        return violations.ToError() is { } invalid ? invalid : id;
    }
}
