using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Exchange.V1;
using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.Postgres;
using Microsoft.Extensions.Options;

namespace Hub.Server.Exchange;

/// <summary>
/// 供需对接: consumers request grants, providers decide, either side (or the platform team) revokes. UNCONDITIONAL
/// resources are granted at once; CONDITIONAL ones wait for the provider, due a number of working days ahead;
/// NOT_SHARED ones are refused with their legal basis. Every change runs once per request_id and commits with its
/// audit entry.
/// </summary>
public sealed class GrantDesk(
    IdempotentRequests requests,
    PostgresDataResourceStore resources,
    PostgresMatterStore matters,
    PostgresGrantStore grants,
    PostgresAccessLog accessLog,
    IOptions<ExchangeOptions> options,
    TimeProvider time)
{
    public const int MaxFields = 200;
    public const int MaxMatters = 20;

    private readonly WorkingCalendar _calendar = options.Value.Calendar();

    public async Task<Outcome<RequestGrantResponse>> RequestAsync(Caller caller, RequestGrantRequest request, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var settings = options.Value;
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var code = violations.Text("resource_code", request.ResourceCode, InputLimits.CodeLength);
        var purpose = violations.Text("purpose", request.Purpose, InputLimits.PurposeLength);
        var days = request.RequestedDays == 0 ? settings.DefaultGrantDays : request.RequestedDays;
        if (days < 1 || days > settings.MaxGrantDays)
        {
            violations.Add("requested_days", $"must be between 1 and {settings.MaxGrantDays} (0 means {settings.DefaultGrantDays})");
        }

        var resource = code.Length > 0 && !violations.Items.Any(v => v.Field == "resource_code") ? await resources.FindAsync(code, cancellationToken) : null;
        var fields = FieldList(request.Fields, resource, violations, required: true);
        var matterCodes = await MatterCodesAsync(request.MatterCodes, violations, cancellationToken);
        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        if (resource is null)
        {
            return HubError.NotFound("DATA_RESOURCE_NOT_FOUND", $"no data resource has resource_code {code}.");
        }

        if (resource.SharingType == SharingType.NotShared)
        {
            return HubError.FailedPrecondition("RESOURCE_NOT_SHARED", $"data resource {code} is not shared (不予共享). Legal basis: {resource.LegalBasis}")
                with { Metadata = new Dictionary<string, string> { ["resource_code"] = code, ["legal_basis"] = resource.LegalBasis } };
        }

        return await requests.RunOnceAsync<RequestGrantResponse>(caller.Id, requestId, "exchange.RequestGrant", request, async (connection, transaction) =>
        {
            if (await PostgresGrantStore.FindWaitingAsync(connection, transaction, caller.Id, code, cancellationToken) is { } waiting)
            {
                return HubError.FailedPrecondition("GRANT_ALREADY_PENDING", $"grant {waiting} on this resource is still waiting for the provider's decision.")
                    with { Metadata = new Dictionary<string, string> { ["grant_id"] = waiting.ToString() } };
            }

            var now = time.GetUtcNow();
            var unconditional = resource.SharingType == SharingType.Unconditional;
            var grant = new StoredGrant(
                Guid.CreateVersion7(now), code, caller.Id, caller.OrgCode, resource.ProviderOrgCode, fields, purpose, matterCodes, days,
                unconditional ? GrantStatus.Approved : GrantStatus.Pending, resource.SharingType, now,
                unconditional ? null : _calendar.AddWorkingDays(today, settings.ConditionalDueWorkingDays),
                unconditional ? now : null,
                unconditional ? "无条件共享：自动批准 (unconditional resource: granted on request)" : string.Empty,
                unconditional ? today.AddDays(days) : null,
                null,
                string.Empty);
            await PostgresGrantStore.InsertAsync(connection, transaction, grant, null, cancellationToken);
            await accessLog.AppendAsync(connection, transaction, Audit(caller, "exchange.RequestGrant", grant, grant.StoredStatus), cancellationToken);
            return new RequestGrantResponse { Grant = grant.ToMessage(today, resource.Name) };
        }, cancellationToken);
    }

    public async Task<Outcome<DecideGrantResponse>> DecideAsync(Caller caller, DecideGrantRequest request, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var grantId = GrantId(request.GrantId, violations);
        var reason = violations.Text("reason", request.Reason, InputLimits.ReasonLength, required: !request.Approve);
        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        var changed = await ChangeAsync(
            caller,
            requestId,
            "exchange.DecideGrant",
            request,
            grantId,
            (grant, status) => grant.ProviderOrgCode != caller.OrgCode
                ? HubError.PermissionDenied("NOT_PROVIDER_OF_RESOURCE", $"only the provider of {grant.ResourceCode} ({grant.ProviderOrgCode}) decides its grants.")
                : !GrantStatusRules.AwaitsDecision(status)
                    ? HubError.FailedPrecondition("GRANT_NOT_PENDING", $"grant is {GrantStatusName(status)}; only a pending or overdue grant can be decided.")
                    : null,
            (grant, now) => grant with
            {
                StoredStatus = request.Approve ? GrantStatus.Approved : GrantStatus.Rejected,
                DecidedAt = now,
                DecisionReason = reason,
                ExpiresOn = request.Approve ? today.AddDays(grant.RequestedDays) : null,
            },
            (connection, transaction, decided) => PostgresGrantStore.DecideAsync(
                connection, transaction, grantId, decided.StoredStatus, decided.DecidedAt!.Value, caller.Id, reason, decided.ExpiresOn, cancellationToken),
            cancellationToken);
        return changed.Failed ? changed.Error : new DecideGrantResponse { Grant = changed.Value };
    }

    public async Task<Outcome<RevokeGrantResponse>> RevokeAsync(Caller caller, RevokeGrantRequest request, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        var requestId = violations.Text("request_id", request.RequestId, InputLimits.RequestIdLength);
        var grantId = GrantId(request.GrantId, violations);
        var reason = violations.Text("reason", request.Reason, InputLimits.ReasonLength);
        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        var changed = await ChangeAsync(
            caller,
            requestId,
            "exchange.RevokeGrant",
            request,
            grantId,
            (grant, status) => !MayManage(caller, grant)
                ? HubError.PermissionDenied("NOT_PARTY_TO_GRANT", "only the grant's consumer, the resource's provider or the platform team (CATALOGUE) may revoke it.")
                : !GrantStatusRules.Revocable(status)
                    ? HubError.FailedPrecondition("GRANT_NOT_ACTIVE", $"grant is {GrantStatusName(status)}; only a pending, overdue or approved grant can be revoked.")
                    : null,
            (grant, now) => grant with { StoredStatus = GrantStatus.Revoked, RevokedAt = now, RevokeReason = reason },
            (connection, transaction, revoked) => PostgresGrantStore.RevokeAsync(
                connection, transaction, grantId, revoked.RevokedAt!.Value, caller.Id, reason, cancellationToken),
            cancellationToken);
        return changed.Failed ? changed.Error : new RevokeGrantResponse { Grant = changed.Value };
    }

    public async Task<Outcome<GetGrantResponse>> GetAsync(Caller caller, GetGrantRequest request, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        var grantId = GrantId(request.GrantId, violations);
        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        var grant = await grants.FindAsync(grantId, cancellationToken);
        if (grant is null || !MayManage(caller, grant))
        {
            // Someone else's grant is not acknowledged to exist.
            return NotFound();
        }

        var resource = await resources.FindAsync(grant.ResourceCode, cancellationToken);
        return new GetGrantResponse { Grant = grant.ToMessage(ChinaCalendar.Today(time), resource?.Name ?? string.Empty) };
    }

    public async Task<Outcome<ListGrantsResponse>> ListAsync(Caller caller, ListGrantsRequest request, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        var code = violations.Text("resource_code", request.ResourceCode, InputLimits.CodeLength, required: false);
        if (request.Status != GrantStatus.Unspecified && !Enum.IsDefined(request.Status))
        {
            violations.Add("status", $"has an unknown value {request.Status}");
        }

        if (request.Scope != GrantScope.Unspecified && !Enum.IsDefined(request.Scope))
        {
            violations.Add("scope", $"has an unknown value {request.Scope}");
        }

        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        var scope = request.Scope != GrantScope.Unspecified
            ? request.Scope
            : caller.Has(Role.Catalogue) ? GrantScope.All : caller.Has(Role.Provider) ? GrantScope.Provider : GrantScope.Consumer;
        var allowed = scope switch
        {
            GrantScope.All => caller.Has(Role.Catalogue),
            GrantScope.Provider => caller.Has(Role.Provider),
            _ => caller.Has(Role.Consumer),
        };
        if (!allowed)
        {
            return HubError.PermissionDenied("SCOPE_NOT_ALLOWED", $"listing grants in scope {scope} needs role {(scope == GrantScope.All ? "CATALOGUE" : scope == GrantScope.Provider ? "PROVIDER" : "CONSUMER")}.");
        }

        var filter = new GrantFilter(
            scope == GrantScope.Consumer ? caller.Id : null,
            scope == GrantScope.Provider ? caller.OrgCode : null,
            code.Length > 0 ? code : null,
            request.Status == GrantStatus.Unspecified ? null : request.Status);
        var today = ChinaCalendar.Today(time);
        var (list, next) = await grants.ListAsync(filter, today, page.Size, page.Cursor, cancellationToken);
        var response = new ListGrantsResponse { NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next) };
        foreach (var grant in list)
        {
            var resource = await resources.FindAsync(grant.ResourceCode, cancellationToken);
            response.Grants.Add(grant.ToMessage(today, resource?.Name ?? string.Empty));
        }

        return response;
    }

    /// <summary>
    /// A decision on an existing grant, once per request_id: lock the grant, let <paramref name="refuse"/> say why not
    /// (given its status today), apply <paramref name="change"/>, save it with its audit entry in one transaction.
    /// </summary>
    private async Task<Outcome<Grant>> ChangeAsync(
        Caller caller,
        string requestId,
        string operation,
        Google.Protobuf.IMessage request,
        Guid grantId,
        Func<StoredGrant, GrantStatus, HubError?> refuse,
        Func<StoredGrant, DateTimeOffset, StoredGrant> change,
        Func<Npgsql.NpgsqlConnection, Npgsql.NpgsqlTransaction, StoredGrant, Task> save,
        CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        return await requests.RunOnceAsync<Grant>(caller.Id, requestId, operation, request, async (connection, transaction) =>
        {
            var grant = await PostgresGrantStore.LockAsync(connection, transaction, grantId, cancellationToken);
            if (grant is null)
            {
                return NotFound();
            }

            if (refuse(grant, grant.StatusOn(today)) is { } refusal)
            {
                return refusal;
            }

            var changed = change(grant, time.GetUtcNow());
            await save(connection, transaction, changed);
            await accessLog.AppendAsync(connection, transaction, Audit(caller, operation, changed, changed.StoredStatus), cancellationToken);
            var resource = await resources.FindAsync(grant.ResourceCode, cancellationToken);
            return changed.ToMessage(today, resource?.Name ?? string.Empty);
        }, cancellationToken);
    }

    /// <summary>Fields named by a request: unique fields of the resource (unknown ones are violations).</summary>
    internal static List<string> FieldList(IList<string> requested, DataResourceDefinition? resource, Violations violations, bool required)
    {
        var fields = new List<string>();
        if ((required && requested.Count == 0) || requested.Count > MaxFields)
        {
            violations.Add("fields", $"name 1 to {MaxFields} fields");
        }

        for (var i = 0; i < requested.Count && i < MaxFields; i++)
        {
            var field = requested[i].Trim();
            if (resource is not null && resource.Field(field) is null)
            {
                violations.Add($"fields[{i}]", $"'{field}' is not a field of data resource {resource.ResourceCode}");
            }
            else if (fields.Contains(field))
            {
                violations.Add($"fields[{i}]", $"'{field}' is named twice");
            }
            else
            {
                fields.Add(field);
            }
        }

        return fields;
    }

    internal static Guid GrantId(string text, Violations violations)
    {
        var value = violations.Text("grant_id", text, 36);
        if (value.Length > 0 && !Guid.TryParse(value, out _))
        {
            violations.Add("grant_id", "is not a grant id (a UUID returned by RequestGrant)");
        }

        return Guid.TryParse(value, out var id) ? id : Guid.Empty;
    }

    internal static string GrantStatusName(GrantStatus status) => status.ToString().ToUpperInvariant();

    private async Task<List<string>> MatterCodesAsync(Google.Protobuf.Collections.RepeatedField<string> requested, Violations violations, CancellationToken cancellationToken)
    {
        var codes = new List<string>();
        if (requested.Count > MaxMatters)
        {
            violations.Add("matter_codes", $"at most {MaxMatters} matters");
        }

        for (var i = 0; i < requested.Count && i < MaxMatters; i++)
        {
            var code = violations.Text($"matter_codes[{i}]", requested[i], InputLimits.CodeLength);
            if (code.Length > 0 && code.Length <= InputLimits.CodeLength && await matters.GetAsync(code, cancellationToken) is null)
            {
                violations.Add($"matter_codes[{i}]", $"no matter {code} is registered");
            }
            else if (!codes.Contains(code))
            {
                codes.Add(code);
            }
        }

        return codes;
    }

    private static bool MayManage(Caller caller, StoredGrant grant) =>
        grant.ConsumerId == caller.Id
        || (caller.Has(Role.Provider) && caller.OrgCode == grant.ProviderOrgCode)
        || caller.Has(Role.Catalogue);

    private static HubError NotFound() => HubError.NotFound("GRANT_NOT_FOUND", "no grant has this grant_id.");

    private static AccessRecord Audit(Caller caller, string action, StoredGrant grant, GrantStatus outcome) => new()
    {
        CallerId = caller.Id,
        Action = action,
        ObjectType = "grant",
        ObjectId = grant.GrantId.ToString(),
        Purpose = grant.Purpose,
        MatterCode = grant.MatterCodes.Count > 0 ? grant.MatterCodes[0] : null,
        Fields = [.. grant.Fields.Select(f => $"{grant.ResourceCode}.{f}")],
        Outcome = GrantStatusName(outcome),
    };
}
