using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Disclosure;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Ports;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Exchange.V1;
using Hub.Provider.V1;
using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.Secrets;

namespace Hub.Server.Exchange;

/// <summary>
/// Brokers a consumer's query: checks the grant in force, asks the provider only for fields that may leave, applies
/// the one disclosure policy, writes the access-log entry, and only then answers — with the record, a decision per
/// field and a receipt.
/// </summary>
public sealed class DataBroker(
    IIdempotentRunner idempotency,
    IGrantStore grants,
    ProviderGateway providers,
    DataProtector protector,
    IAccessLog accessLog,
    IAccessWatch watch,
    TimeProvider time)
{
    public async Task<Outcome<QueryResponse>> QueryAsync(Caller caller, QueryCommand command, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var (requestId, code, resource, key, purpose, matterCode, caseNumber, asked, request) = command;
        if (resource is null)
        {
            return HubError.NotFound(ReasonCodes.DataResourceNotFound, $"no data resource has resource_code {code}.");
        }

        if (resource.SharingType == SharingType.NotShared)
        {
            return HubError.PermissionDenied(ReasonCodes.ResourceNotShared, $"data resource {code} is not shared (不予共享). Legal basis: {resource.LegalBasis}");
        }

        var grant = await grants.FindInForceAsync(caller.Id, code, today, cancellationToken);
        if (grant is null)
        {
            return await NoGrantAsync(caller, code, today, cancellationToken);
        }

        // Ask only for what may leave: fields the policy withholds are never fetched.
        var wanted = (asked.Count > 0 ? asked : grant.Fields).Select(f => resource.Field(f)!).ToList();
        var context = DisclosureContext.Named(caller.Clearance, resource.SharingType, grant.Fields);
        var fetchable = wanted.Where(f => DisclosurePolicy.Decide(f, context).Decision != DisclosureDecision.Withheld).Select(f => f.Name).ToList();
        var holderIndex = protector.BlindIndex(resource.KeyKind, key);

        return await idempotency.RunOnceAsync<QueryResponse>(caller.Id, requestId, AuditActions.ExchangeQuery, request, async ct =>
        {
            var audit = new AccessRecord
            {
                CallerId = caller.Id,
                Action = AuditActions.ExchangeQuery,
                ObjectType = AuditObjects.DataResource,
                ObjectId = code,
                HolderIndex = holderIndex,
                Purpose = purpose,
                MatterCode = matterCode.Length > 0 ? matterCode : null,
                CaseNumber = caseNumber.Length > 0 ? caseNumber : null,
                Outcome = $"NOT_FOUND:{grant.GrantId}",
            };
            if (await watch.AdmitHolderAsync(accessLog, audit, ct) is { } tooManyHolders)
            {
                return tooManyHolders;
            }

            var record = new ProviderRecord(true, new Dictionary<string, string>());
            if (fetchable.Count > 0)
            {
                var fetched = await providers.FetchAsync(resource, new FetchRequest
                {
                    ResourceCode = code,
                    Key = key,
                    Fields = { fetchable },
                    ConsumerOrgCode = caller.OrgCode,
                    Purpose = purpose,
                    GrantId = grant.GrantId.ToString(),
                }, ct);
                if (fetched.Failed)
                {
                    return fetched.Error;
                }

                record = fetched.Value;
            }

            if (!record.Found)
            {
                // The question about this holder was asked of the provider: it is logged although nothing is disclosed.
                await accessLog.AppendAsync(audit, ct);
                return HubError.NotFound(ReasonCodes.RecordNotFound, $"provider {resource.ProviderOrgCode} holds no record of {code} for this key.");
            }

            var values = record.Values.Where(p => fetchable.Contains(p.Key)).ToDictionary(StringComparer.Ordinal);
            var disclosed = DisclosurePolicy.Apply(wanted, values, context, decideAbsent: true);
            var entry = await accessLog.AppendAsync(audit with { Fields = disclosed.DisclosedFields, Outcome = $"FOUND:{grant.GrantId}" }, ct);
            return new QueryResponse
            {
                Record = { disclosed.Values.ToDictionary() },
                Disclosure = { disclosed.Decisions },
                Receipt = entry.ToReceipt(),
                GrantId = grant.GrantId.ToString(),
            };
        }, cancellationToken);
    }

    /// <summary>PermissionDenied, saying why: never asked, waiting, refused, lapsed or revoked.</summary>
    private async Task<HubError> NoGrantAsync(Caller caller, string code, DateOnly today, CancellationToken cancellationToken)
    {
        var latest = await grants.FindLatestAsync(caller.Id, code, cancellationToken);
        var (reason, message) = latest?.StatusOn(today) switch
        {
            null => (ReasonCodes.NoGrant, $"this system holds no grant on {code}; ask for one with RequestGrant."),
            GrantStatus.Pending or GrantStatus.Overdue => (ReasonCodes.GrantPending, $"the grant on {code} is waiting for the provider's decision."),
            GrantStatus.Rejected => (ReasonCodes.GrantRejected, $"the provider refused the grant on {code}: {latest.DecisionReason}"),
            GrantStatus.Expired => (ReasonCodes.GrantExpired, $"the grant on {code} expired on {latest.ExpiresOn:yyyy-MM-dd}; renew it with a new RequestGrant."),
            GrantStatus.Revoked => (ReasonCodes.GrantRevoked, $"the grant on {code} was revoked: {latest.RevokeReason}"),
            _ => (ReasonCodes.NoGrant, $"this system holds no grant in force on {code}."),
        };
        var error = HubError.PermissionDenied(reason, message);
        return latest is null ? error : error with { Metadata = new Dictionary<string, string> { ["grant_id"] = latest.GrantId.ToString() } };
    }
}

/// <summary>Query: what a consumer asks of a data resource, every field checked at once.</summary>
public sealed record QueryCommand(
    string RequestId, string ResourceCode, DataResourceDefinition? Resource, string Key, string Purpose, string MatterCode, string CaseNumber,
    IReadOnlyList<string> Fields, QueryRequest Request)
{
    /// <summary>
    /// Query parsed with every problem at once: the fields against the resource, the key against the resource's key
    /// kind, the matter against the catalogue.
    /// </summary>
    public static async Task<Outcome<QueryCommand>> ParseAsync(
        QueryRequest request, IDataResourceStore resources, IMatterStore matters, HolderInputParser holders, DateOnly today, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var code = violations.Text("resource_code", request.ResourceCode, InputLimits.CodeLength);
        var key = HolderIdTypes.Normalize(violations.Text("key", request.Key, InputLimits.KeyLength));
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength);
        var matterCode = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength, required: false);
        var caseNumber = violations.Text("case_number", request.CaseNumber, InputLimits.CodeLength, required: false);
        var resource = code.Length is > 0 and <= InputLimits.CodeLength ? await resources.FindAsync(code, cancellationToken) : null;
        var asked = FieldSelection.Parse(request.Fields, resource?.FieldNames, $"data resource {code}", violations, required: false);
        if (resource is not null && key.Length > 0 && holders.Problem(resource.KeyKind, key, today) is { } problem)
        {
            violations.Add("key", problem);
        }

        if (matterCode.Length is > 0 and <= InputLimits.CodeLength && await matters.GetAsync(matterCode, cancellationToken) is null)
        {
            violations.Add("matter_code", $"no matter {matterCode} is registered");
        }

        return violations.ToError() is { } invalid
            ? invalid
            : new QueryCommand(requestId, code, resource, key, purpose, matterCode, caseNumber, asked, request);
    }
}
