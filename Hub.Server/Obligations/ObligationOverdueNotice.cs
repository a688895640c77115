using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Events;
using Hub.Core.Ports;

namespace Hub.Server.Obligations;

/// <summary>
/// obligation.overdue: an open obligation whose deadline passed without a license — an access-log entry by the hub
/// itself (naming the applicant's blind index, so their history shows it) and the events, once each.
/// </summary>
public sealed class ObligationOverdueNotice(IObligationStore obligations) : IDateNotice
{
    public Task<int> NoticeAsync(DateOnly today, CancellationToken cancellationToken) =>
        obligations.NoticeOverdueAsync(today, obligation => (
            new AccessRecord
            {
                CallerId = Caller.HubItself,
                Action = AuditActions.ObligationsOverdue,
                ObjectType = AuditObjects.Obligation,
                ObjectId = obligation.ObligationId.ToString(),
                HolderIndex = obligation.HolderIndex,
                MatterCode = obligation.MatterCode,
                CaseNumber = obligation.CaseNumber,
                Fields = [obligation.MaterialCode],
                Outcome = "OVERDUE",
            },
            ObligationEvents.For(EventTypes.ObligationOverdue, obligation, "OVERDUE")), cancellationToken);
}
