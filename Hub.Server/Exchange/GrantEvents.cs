using System.Globalization;
using Hub.Core.Contracts;
using Hub.Core.Events;

namespace Hub.Server.Exchange;

/// <summary>
/// The events a grant change causes: one for SUBSCRIBERs (the platform team's oversight), and the same addressed to
/// the other party's organisation — the provider when a grant is requested or falls overdue, the consumer when it is
/// decided, revoked or expires — so each side's system learns what waits for it. No personal data: codes, dates and the status.
/// </summary>
public static class GrantEvents
{
    public static IReadOnlyList<ChangeEvent> For(string eventType, StoredGrant grant)
    {
        var shared = new ChangeEvent
        {
            Type = eventType,
            ObjectType = AuditObjects.Grant,
            ObjectId = grant.GrantId.ToString(),
            MatterCode = grant.MatterCodes.Count > 0 ? grant.MatterCodes[0] : null,
            Facts = Facts(grant),
        };
        // What waits for the provider goes to it (a request, a request now overdue); answers and expiries to the consumer.
        var otherParty = eventType is EventTypes.GrantRequested or EventTypes.GrantOverdue ? grant.ProviderOrgCode : grant.ConsumerOrgCode;
        return [shared, shared with { AudienceOrg = otherParty }];
    }

    private static List<EventFact> Facts(StoredGrant grant)
    {
        var facts = new List<EventFact>
        {
            new("resource_code", grant.ResourceCode),
            new("status", GrantStatusRules.Name(grant.StoredStatus)),
            new("consumer_org", grant.ConsumerOrgCode),
            new("provider_org", grant.ProviderOrgCode),
            new("fields", string.Join(",", grant.Fields)),
        };
        if (grant.DueOn is { } due)
        {
            facts.Add(new EventFact("due_on", due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        if (grant.ExpiresOn is { } expires)
        {
            facts.Add(new EventFact("expires_on", expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }

        return facts;
    }
}
