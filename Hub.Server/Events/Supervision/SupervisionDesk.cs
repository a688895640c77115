using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Events;
using Hub.Core.Ports;
using Hub.Core.Validation;
using Hub.Events.V1;
using Hub.Server.Licenses;
using Hub.Signing.Identifiers;

namespace Hub.Server.Events.Supervision;

/// <summary>
/// 审管联动: a supervision platform reports a finding on a license; it is recorded against the license, audited, and
/// sent to the license's issuer as a <c>license.supervised</c> event — all in one transaction, once per request_id.
/// </summary>
public sealed class SupervisionDesk(IIdempotentRunner requests, ILicenseStore licenses, ISupervisionStore results, TimeProvider time)
{
    public async Task<Outcome<ReportSupervisionResultResponse>> ReportAsync(Caller caller, SupervisionCommand command, CancellationToken cancellationToken) =>
        await requests.RunInTransactionAsync<ReportSupervisionResultResponse>(caller.Id, command.RequestId, AuditActions.EventsReportSupervisionResult, command.Request, async transaction =>
        {
            var license = await licenses.FindForUpdateAsync(transaction, command.Identifier.ToString(), cancellationToken);
            if (license is null)
            {
                return HubError.NotFound(ReasonCodes.LicenseNotFound, "no license has this identifier.");
            }

            var id = Guid.CreateVersion7(time.GetUtcNow());
            var result = SupervisionCommand.Name(command.Result);
            await results.RecordAsync(transaction, new SupervisionRecord(id, license.LicenseId, caller.Id, result, command.Detail, time.GetUtcNow()), cancellationToken);
            await transaction.AuditAsync(
                license.AccessRecord(caller.Id, AuditActions.EventsReportSupervisionResult, null) with { Outcome = result },
                [
                    new ChangeEvent
                    {
                        Type = EventTypes.LicenseSupervised,
                        ObjectType = AuditObjects.License,
                        ObjectId = license.Identifier,
                        LicenseType = license.Content.TypeCode,
                        IssuerOrg = license.IssuerOrgCode,
                        AudienceOrg = license.IssuerOrgCode,
                        Facts =
                        [
                            new EventFact("result", result),
                            new EventFact("supervisor_org", caller.OrgCode),
                            new EventFact("result_id", id.ToString()),
                            new EventFact("detail", command.Detail, DataLevel.L2Internal),
                        ],
                    },
                ],
                cancellationToken);
            return new ReportSupervisionResultResponse { ResultId = id.ToString(), IssuerOrg = license.IssuerOrgCode };
        }, cancellationToken);
}

/// <summary>A validated ReportSupervisionResult request.</summary>
public sealed record SupervisionCommand(string RequestId, LicenseIdentifier Identifier, SupervisionResult Result, string Detail, ReportSupervisionResultRequest Request)
{
    public const int DetailLength = 500;

    public static Outcome<SupervisionCommand> Parse(ReportSupervisionResultRequest request)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var identifier = LicenseIdentifierInput.Parse(request.Identifier, violations);
        if (request.Result == SupervisionResult.Unspecified || !Enum.IsDefined(request.Result))
        {
            violations.Add("result", "must be COMPLIANT, RECTIFICATION_ORDERED, PENALIZED or REVOCATION_RECOMMENDED");
        }

        var detail = violations.Text("detail", request.Detail, DetailLength);
        return violations.ToError() is { } error ? error : new SupervisionCommand(requestId, identifier!, request.Result, detail, request);
    }

    /// <summary>The result as events and the audit log spell it (e.g. REVOCATION_RECOMMENDED).</summary>
    public static string Name(SupervisionResult result) => result switch
    {
        SupervisionResult.Compliant => "COMPLIANT",
        SupervisionResult.RectificationOrdered => "RECTIFICATION_ORDERED",
        SupervisionResult.Penalized => "PENALIZED",
        SupervisionResult.RevocationRecommended => "REVOCATION_RECOMMENDED",
        _ => "UNSPECIFIED",
    };
}

/// <summary>A supervisor's finding as recorded against the license.</summary>
public sealed record SupervisionRecord(Guid ResultId, Guid LicenseId, Guid CallerId, string Result, string Detail, DateTimeOffset ReportedAt);

/// <summary>Findings on licenses (审管联动), written in the report's transaction.</summary>
public interface ISupervisionStore
{
    Task RecordAsync(IWriteTransaction transaction, SupervisionRecord record, CancellationToken cancellationToken);
}
