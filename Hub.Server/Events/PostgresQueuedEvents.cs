using Dapper;
using Hub.Core.Events;

namespace Hub.Server.Events;

/// <summary>
/// How a change's events are queued in <c>event_queue</c> beside its audit entry, in the change's own transaction:
/// one INSERT of every event (unnest over parallel arrays), tied to the entry's queue row. The log writer numbers
/// them when it sequences the entry (<see cref="Infrastructure.Postgres.GroupCommitAccessLog"/>).
/// </summary>
public static class PostgresQueuedEvents
{
    /// <summary>The INSERT of the events given by <see cref="AddParameters"/>, for the queue row selected by <paramref name="queueIdSql"/>.</summary>
    public static string InsertFrom(string queueIdSql) => $"""
        INSERT INTO event_queue (audit_queue_id, seq, event_type, object_type, object_id, license_type, issuer_org, matter_code, audience_caller, audience_org, data)
        SELECT {queueIdSql}, e.seq, e.event_type, e.object_type, e.object_id, e.license_type, e.issuer_org, e.matter_code, e.audience_caller::uuid, e.audience_org, e.data::jsonb
        FROM unnest(@eventSeqs, @eventTypes, @eventObjectTypes, @eventObjectIds, @eventLicenseTypes, @eventIssuerOrgs, @eventMatters, @eventAudienceCallers, @eventAudienceOrgs, @eventData)
             AS e(seq, event_type, object_type, object_id, license_type, issuer_org, matter_code, audience_caller, audience_org, data)
        """;

    public static void AddParameters(DynamicParameters parameters, IReadOnlyList<ChangeEvent> events)
    {
        parameters.Add("eventSeqs", events.Select((_, i) => (short)i).ToArray());
        parameters.Add("eventTypes", events.Select(e => e.Type).ToArray());
        parameters.Add("eventObjectTypes", events.Select(e => e.ObjectType).ToArray());
        parameters.Add("eventObjectIds", events.Select(e => e.ObjectId).ToArray());
        parameters.Add("eventLicenseTypes", events.Select(e => e.LicenseType).ToArray());
        parameters.Add("eventIssuerOrgs", events.Select(e => e.IssuerOrg).ToArray());
        parameters.Add("eventMatters", events.Select(e => e.MatterCode).ToArray());
        parameters.Add("eventAudienceCallers", events.Select(e => e.AudienceCaller?.ToString()).ToArray());
        parameters.Add("eventAudienceOrgs", events.Select(e => e.AudienceOrg).ToArray());
        parameters.Add("eventData", events.Select(e => EventFacts.ToJson(e.Facts)).ToArray());
    }
}
