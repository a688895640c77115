using Google.Protobuf;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Validation;
using Hub.Licenses.V1;
using Hub.Signing.Identifiers;

namespace Hub.Server.Licenses;

/// <summary>IssueLicense: the request_id checked; the content is validated against its type by <see cref="NewLicenseValidator"/>.</summary>
public sealed record IssueLicenseCommand(string RequestId, NewLicenseFields Fields, IssueLicenseRequest Request)
{
    public static Outcome<IssueLicenseCommand> Parse(IssueLicenseRequest request)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        return violations.ToError() is { } invalid
            ? invalid
            : new IssueLicenseCommand(
                requestId, new NewLicenseFields(request.TypeCode, request.LicenseNumber, request.Holder, request.ValidFrom, request.ValidUntil, request.Face), request);
    }
}

/// <summary>AmendLicense: a new version of the face and/or validity; the face is checked against the type by the rule.</summary>
public sealed record AmendLicenseCommand(string RequestId, LicenseIdentifier Identifier, DateOnly? ValidUntil, bool LongTerm, string Reason, IDictionary<string, string> Face, IMessage Request)
{
    public static Outcome<AmendLicenseCommand> Parse(AmendLicenseRequest request)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var identifier = LicenseIdentifierInput.Parse(request.Identifier, violations);
        var validUntil = Core.Time.ChinaCalendar.Parse(request.ValidUntil, "valid_until", violations, required: false);
        if (validUntil is not null && request.LongTerm)
        {
            violations.Add("long_term", "cannot be set together with valid_until");
        }

        var reason = violations.Text("reason", request.Reason, InputLimits.ReasonLength);
        if (request.Face.Count > NewLicenseValidator.MaxFaceFields)
        {
            violations.Add("face", $"at most {NewLicenseValidator.MaxFaceFields} fields");
        }

        return violations.ToError() is { } invalid
            ? invalid
            : new AmendLicenseCommand(requestId, identifier!, validUntil, request.LongTerm, reason, request.Face, request);
    }
}

/// <summary>ChangeLicenseStatus: suspend, reinstate, revoke or cancel, with a reason.</summary>
public sealed record ChangeLicenseStatusCommand(string RequestId, LicenseIdentifier Identifier, LicenseStatus Status, string Reason, IMessage Request)
{
    public static Outcome<ChangeLicenseStatusCommand> Parse(ChangeLicenseStatusRequest request)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var identifier = LicenseIdentifierInput.Parse(request.Identifier, violations);
        var status = violations.Enum("status", request.Status);
        if (status == LicenseStatus.Expired)
        {
            violations.Add("status", "EXPIRED is computed from valid_until and cannot be set");
        }

        var reason = violations.Text("reason", request.Reason, InputLimits.ReasonLength);
        return violations.ToError() is { } invalid ? invalid : new ChangeLicenseStatusCommand(requestId, identifier!, status, reason, request);
    }
}

/// <summary>GetLicense: which license, and why (a verifier must say; the issuer need not).</summary>
public sealed record GetLicenseCommand(LicenseIdentifier Identifier, string Purpose)
{
    public static Outcome<GetLicenseCommand> Parse(GetLicenseRequest request)
    {
        var violations = new Violations();
        var identifier = LicenseIdentifierInput.Parse(request.Identifier, violations);
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength, required: false);
        return violations.ToError() is { } invalid ? invalid : new GetLicenseCommand(identifier!, purpose);
    }
}

/// <summary>ListHolderLicenses: whose licenses, why, which page.</summary>
public sealed record ListHolderLicensesCommand(HolderInput Holder, string Purpose, PageRequest Page)
{
    public static Outcome<ListHolderLicensesCommand> Parse(ListHolderLicensesRequest request, HolderInputParser holders, DateOnly today)
    {
        var violations = new Violations();
        var holder = holders.Parse(request.Holder, "holder", violations, today, nameRequired: false);
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength);
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        return violations.ToError() is { } invalid ? invalid : new ListHolderLicensesCommand(holder, purpose, page);
    }
}

/// <summary>ExportLicenseDocument: which license; the portal names the holder it exports for.</summary>
public sealed record ExportLicenseCommand(LicenseIdentifier Identifier, string Purpose, HolderInput? Holder)
{
    public static Outcome<ExportLicenseCommand> Parse(ExportLicenseDocumentRequest request, bool portal, HolderInputParser holders, DateOnly today)
    {
        var violations = new Violations();
        var identifier = LicenseIdentifierInput.Parse(request.Identifier, violations);
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength, required: false);
        var holder = request.Holder is not null && portal ? holders.Parse(request.Holder, "holder", violations, today, nameRequired: false) : null;
        return violations.ToError() is { } invalid ? invalid : new ExportLicenseCommand(identifier!, purpose, holder);
    }
}
