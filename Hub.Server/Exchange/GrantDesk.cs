using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Events;
using Hub.Core.Ports;
using Hub.Core.Time;
using Hub.Exchange.V1;
using Hub.Server.Catalogue;
using Microsoft.Extensions.Options;

namespace Hub.Server.Exchange;

/// <summary>
/// 供需对接, the writes: consumers request grants, providers decide, either side (or the platform team) revokes.
/// UNCONDITIONAL resources are granted at once; CONDITIONAL ones wait for the provider, due a number of working days
/// ahead; NOT_SHARED ones are refused with their legal basis. Every change runs once per request_id and commits with
/// its audit entry. Reads are <see cref="GrantQueries"/>.
/// </summary>
public sealed class GrantDesk(
    IIdempotentRunner requests,
    IDataResourceStore resources,
    IGrantStore grants,
    IOptions<ExchangeOptions> options,
    TimeProvider time)
{
    private readonly WorkingCalendar _calendar = options.Value.Calendar();

    public async Task<Outcome<RequestGrantResponse>> RequestAsync(Caller caller, RequestGrantCommand command, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var settings = options.Value;
        var (code, resource, fields) = (command.ResourceCode, command.Resource, command.Fields);
        if (resource is null)
        {
            return HubError.NotFound(ReasonCodes.DataResourceNotFound, $"no data resource has resource_code {code}.");
        }

        if (resource.SharingType == SharingType.NotShared)
        {
            return HubError.FailedPrecondition(ReasonCodes.ResourceNotShared, $"data resource {code} is not shared (不予共享). Legal basis: {resource.LegalBasis}")
                with { Metadata = new Dictionary<string, string> { ["resource_code"] = code, ["legal_basis"] = resource.LegalBasis } };
        }

        return await requests.RunInTransactionAsync<RequestGrantResponse>(caller.Id, command.RequestId, AuditActions.ExchangeRequestGrant, command.Request, async transaction =>
        {
            if (await grants.FindWaitingAsync(transaction, caller.Id, code, cancellationToken) is { } waiting)
            {
                return HubError.FailedPrecondition(ReasonCodes.GrantAlreadyPending, $"grant {waiting} on this resource is still waiting for the provider's decision.")
                    with { Metadata = new Dictionary<string, string> { ["grant_id"] = waiting.ToString() } };
            }

            var now = time.GetUtcNow();
            var unconditional = resource.SharingType == SharingType.Unconditional;
            var grant = new StoredGrant(
                Guid.CreateVersion7(now), code, caller.Id, caller.OrgCode, resource.ProviderOrgCode, fields, command.Purpose, command.MatterCodes,
                command.RequestedDays, unconditional ? GrantStatus.Approved : GrantStatus.Pending, resource.SharingType, now,
                unconditional ? null : _calendar.AddWorkingDays(today, settings.ConditionalDueWorkingDays),
                unconditional ? now : null,
                unconditional ? "无条件共享：自动批准 (unconditional resource: granted on request)" : string.Empty,
                unconditional ? today.AddDays(command.RequestedDays) : null,
                null,
                string.Empty);
            await grants.InsertAsync(transaction, grant, null, cancellationToken);
            await transaction.AuditAsync(Audit(caller, AuditActions.ExchangeRequestGrant, grant), GrantEvents.For(EventTypes.GrantRequested, grant), cancellationToken);
            return new RequestGrantResponse { Grant = grant.ToMessage(today, resource.Name) };
        }, cancellationToken);
    }

    public async Task<Outcome<DecideGrantResponse>> DecideAsync(Caller caller, DecideGrantCommand command, CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var changed = await ChangeAsync(
            caller,
            command.RequestId,
            AuditActions.ExchangeDecideGrant,
            command.Request,
            command.GrantId,
            EventTypes.GrantDecided,
            (grant, status) => grant.ProviderOrgCode != caller.OrgCode
                ? HubError.PermissionDenied(ReasonCodes.NotProviderOfResource, $"only the provider of {grant.ResourceCode} ({grant.ProviderOrgCode}) decides its grants.")
                : !GrantStatusRules.AwaitsDecision(status)
                    ? HubError.FailedPrecondition(ReasonCodes.GrantNotPending, $"grant is {GrantStatusRules.Name(status)}; only a pending or overdue grant can be decided.")
                    : null,
            (grant, now) => grant with
            {
                StoredStatus = command.Approve ? GrantStatus.Approved : GrantStatus.Rejected,
                DecidedAt = now,
                DecisionReason = command.Reason,
                ExpiresOn = command.Approve ? today.AddDays(grant.RequestedDays) : null,
            },
            (transaction, decided) => grants.DecideAsync(
                transaction, command.GrantId, decided.StoredStatus, decided.DecidedAt!.Value, caller.Id, command.Reason, decided.ExpiresOn, cancellationToken),
            cancellationToken);
        return changed.Failed ? changed.Error : new DecideGrantResponse { Grant = changed.Value };
    }

    public async Task<Outcome<RevokeGrantResponse>> RevokeAsync(Caller caller, RevokeGrantCommand command, CancellationToken cancellationToken)
    {
        var changed = await ChangeAsync(
            caller,
            command.RequestId,
            AuditActions.ExchangeRevokeGrant,
            command.Request,
            command.GrantId,
            EventTypes.GrantRevoked,
            (grant, status) => !GrantParties.MayManage(caller, grant)
                ? HubError.PermissionDenied(ReasonCodes.NotPartyToGrant, "only the grant's consumer, the resource's provider or the platform team (CATALOGUE) may revoke it.")
                : !GrantStatusRules.Revocable(status)
                    ? HubError.FailedPrecondition(ReasonCodes.GrantNotActive, $"grant is {GrantStatusRules.Name(status)}; only a pending, overdue or approved grant can be revoked.")
                    : null,
            (grant, now) => grant with { StoredStatus = GrantStatus.Revoked, RevokedAt = now, RevokeReason = command.Reason },
            (transaction, revoked) => grants.RevokeAsync(transaction, command.GrantId, revoked.RevokedAt!.Value, caller.Id, command.Reason, cancellationToken),
            cancellationToken);
        return changed.Failed ? changed.Error : new RevokeGrantResponse { Grant = changed.Value };
    }

    /// <summary>
    /// A decision on an existing grant, once per request_id: lock the grant, let <paramref name="refuse"/> say why not
    /// (given its status today), apply <paramref name="change"/>, save it with its audit entry and its events
    /// (<paramref name="eventType"/>) in one transaction.
    /// </summary>
    private async Task<Outcome<Grant>> ChangeAsync(
        Caller caller,
        string requestId,
        string operation,
        Google.Protobuf.IMessage request,
        Guid grantId,
        string eventType,
        Func<StoredGrant, GrantStatus, HubError?> refuse,
        Func<StoredGrant, DateTimeOffset, StoredGrant> change,
        Func<IWriteTransaction, StoredGrant, Task> save,
        CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        return await requests.RunInTransactionAsync<Grant>(caller.Id, requestId, operation, request, async transaction =>
        {
            var grant = await grants.LockAsync(transaction, grantId, cancellationToken);
            if (grant is null)
            {
                return GrantParties.NotFound();
            }

            if (refuse(grant, grant.StatusOn(today)) is { } refusal)
            {
                return refusal;
            }

            var changed = change(grant, time.GetUtcNow());
            await save(transaction, changed);
            await transaction.AuditAsync(Audit(caller, operation, changed), GrantEvents.For(eventType, changed), cancellationToken);
            var resource = await resources.FindAsync(grant.ResourceCode, cancellationToken);
            return changed.ToMessage(today, resource?.Name ?? string.Empty);
        }, cancellationToken);
    }

    private static AccessRecord Audit(Caller caller, string action, StoredGrant grant) => new()
    {
        CallerId = caller.Id,
        Action = action,
        ObjectType = AuditObjects.Grant,
        ObjectId = grant.GrantId.ToString(),
        Purpose = grant.Purpose,
        MatterCode = grant.MatterCodes.Count > 0 ? grant.MatterCodes[0] : null,
        Fields = [.. grant.Fields.Select(f => $"{grant.ResourceCode}.{f}")],
        Outcome = GrantStatusRules.Name(grant.StoredStatus),
    };
}
