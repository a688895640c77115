using System.Globalization;
using Hub.Core.Contracts;
using Hub.Core.Events;
using Hub.Licenses.V1;
using Hub.Server.Catalogue;

namespace Hub.Server.Licenses;

/// <summary>
/// The events a license change causes: one for everyone who subscribes (no personal data: no holder, no person's
/// license number, no free text), and one to each caller that relied on the license.
/// </summary>
public static class LicenseEvents
{
    /// <summary>Changes that tell the callers which relied on the license (license.relied.changed).</summary>
    public static bool TellsRelyingParties(string eventType) =>
        eventType is EventTypes.LicenseAmended or EventTypes.LicenseSuspended or EventTypes.LicenseRevoked or EventTypes.LicenseCancelled;

    public static string ForStatus(LicenseStatus status) => status switch
    {
        LicenseStatus.Suspended => EventTypes.LicenseSuspended,
        LicenseStatus.Revoked => EventTypes.LicenseRevoked,
        LicenseStatus.Cancelled => EventTypes.LicenseCancelled,
        _ => EventTypes.LicenseReinstated,
    };

    public static ChangeEvent Changed(string eventType, StoredLicense license, LicenseTypeDefinition type) =>
        Event(eventType, license.Content, type, license.StatusName);

    /// <summary>A new license's event (license.issued, license.imported): version 1, VALID.</summary>
    public static ChangeEvent New(string eventType, SealedContent content, LicenseTypeDefinition type) =>
        Event(eventType, content, type, LicenseStatusRules.Name(LicenseStatus.Valid));

    /// <summary>An imported license (license.imported): VALID, or EXPIRED when the history it comes from has run out.</summary>
    public static ChangeEvent Imported(SealedContent content, LicenseTypeDefinition type, DateOnly today) =>
        Event(EventTypes.LicenseImported, content, type, LicenseStatusRules.Name(LicenseStatusRules.Effective(LicenseStatus.Valid, content.ValidUntil, today)));

    /// <summary>A license whose last valid day has passed (license.expired), as the date made it.</summary>
    public static ChangeEvent Expired(SealedContent content, LicenseTypeDefinition type) =>
        Event(EventTypes.LicenseExpired, content, type, LicenseStatusRules.Name(LicenseStatus.Expired));

    /// <summary>To one caller that relied on the license: what changed, and the case or matter it relied on it for.</summary>
    public static ChangeEvent Relied(string eventType, StoredLicense license, Reliance reliance)
    {
        var facts = new List<EventFact>
        {
            new("change", eventType),
            new("status", license.StatusName),
            new("version", license.Version.ToString(CultureInfo.InvariantCulture)),
            new("relied_action", reliance.Action),
            new("relied_log_index", reliance.LogIndex.ToString(CultureInfo.InvariantCulture)),
        };
        if (reliance.CaseNumber is { Length: > 0 } caseNumber)
        {
            facts.Add(new EventFact("case_number", caseNumber));
        }

        return new ChangeEvent
        {
            Type = EventTypes.LicenseReliedChanged,
            ObjectType = AuditObjects.License,
            ObjectId = license.Identifier,
            LicenseType = license.Content.TypeCode,
            IssuerOrg = license.IssuerOrgCode,
            MatterCode = reliance.MatterCode,
            AudienceCaller = reliance.CallerId,
            Facts = facts,
        };
    }

    private static ChangeEvent Event(string eventType, SealedContent content, LicenseTypeDefinition type, string status)
    {
        var facts = new List<EventFact>
        {
            new("status", status),
            new("version", content.Version.ToString(CultureInfo.InvariantCulture)),
            new("valid_from", content.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            new("valid_until", content.ValidUntil?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "LONG_TERM"),
        };

        // Events carry no personal data, at any level: a license number goes in only where it is a public registration
        // fact (L1: an organisation's), and the status reason — free text an issuer wrote — never; a reader that needs
        // either asks VerifyLicense or GetLicense, which disclose by the policy and are audited.
        if (type.LicenseNumberSpec.Level == Hub.Common.V1.DataLevel.L1Public)
        {
            facts.Add(new EventFact(type.LicenseNumberSpec.Name, content.LicenseNumber));
        }

        return new ChangeEvent
        {
            Type = eventType,
            ObjectType = AuditObjects.License,
            ObjectId = content.Identifier,
            LicenseType = content.TypeCode,
            IssuerOrg = content.IssuerOrgCode,
            Facts = facts,
        };
    }
}
