using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Events;
using Hub.Core.Ports;
using Hub.Exchange.V1;

namespace Hub.Server.Exchange;

/// <summary>
/// grant.overdue (a conditional grant the provider did not decide by its due date, 5 working days) and grant.expired
/// (an approved grant past its expiry): an access-log entry by the hub itself and the events, once each.
/// </summary>
public sealed class GrantDeadlineNotice(IGrantStore grants) : IDateNotice
{
    public async Task<int> NoticeAsync(DateOnly today, CancellationToken cancellationToken) =>
        await grants.NoticeDeadlinesAsync(today, expiries: false, grant => Describe(grant, GrantStatus.Overdue, EventTypes.GrantOverdue, AuditActions.ExchangeGrantOverdue), cancellationToken)
        + await grants.NoticeDeadlinesAsync(today, expiries: true, grant => Describe(grant, GrantStatus.Expired, EventTypes.GrantExpired, AuditActions.ExchangeGrantExpired), cancellationToken);

    private static (AccessRecord Entry, IReadOnlyList<ChangeEvent> Events) Describe(StoredGrant grant, GrantStatus status, string eventType, string action)
    {
        var now = grant with { StoredStatus = status };
        var entry = new AccessRecord
        {
            CallerId = Caller.HubItself,
            Action = action,
            ObjectType = AuditObjects.Grant,
            ObjectId = grant.GrantId.ToString(),
            MatterCode = grant.MatterCodes.Count > 0 ? grant.MatterCodes[0] : null,
            Outcome = GrantStatusRules.Name(status),
        };
        return (entry, GrantEvents.For(eventType, now));
    }
}
