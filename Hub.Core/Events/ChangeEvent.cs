using Hub.Common.V1;

namespace Hub.Core.Events;

/// <summary>
/// A change event, as a state change queues it with its audit entry (<see cref="Ports.IWriteTransaction"/>). It carries
/// no personal data: the object's identifier, the codes subscribers filter on, and facts each at a classification
/// level, of which a subscriber receives those within its clearance. An audience limits it to one caller or to one
/// organisation's callers; without one it is for every SUBSCRIBER.
/// </summary>
public sealed record ChangeEvent
{
    public required string Type { get; init; }

    public required string ObjectType { get; init; }

    public required string ObjectId { get; init; }

    public string? LicenseType { get; init; }

    public string? IssuerOrg { get; init; }

    public string? MatterCode { get; init; }

    public Guid? AudienceCaller { get; init; }

    public string? AudienceOrg { get; init; }

    public IReadOnlyList<EventFact> Facts { get; init; } = [];
}

/// <summary>One fact of an event and the level a subscriber's clearance must reach to be sent it.</summary>
public sealed record EventFact(string Name, string Value, DataLevel Level = DataLevel.L1Public);

/// <summary>The <c>type</c> of events; public contract, never renamed (docs/events.md).</summary>
public static class EventTypes
{
    public const string LicenseIssued = "license.issued";
    public const string LicenseImported = "license.imported";
    public const string LicenseAmended = "license.amended";
    public const string LicenseSuspended = "license.suspended";
    public const string LicenseReinstated = "license.reinstated";
    public const string LicenseRevoked = "license.revoked";
    public const string LicenseCancelled = "license.cancelled";
    public const string LicenseExpired = "license.expired";

    /// <summary>To each caller that relied on a license (verified it, or had it waive a material) when it changes.</summary>
    public const string LicenseReliedChanged = "license.relied.changed";

    /// <summary>To the issuer, when a supervisor reports a finding on its license (审管联动).</summary>
    public const string LicenseSupervised = "license.supervised";

    public const string GrantRequested = "grant.requested";
    public const string GrantDecided = "grant.decided";
    public const string GrantOverdue = "grant.overdue";
    public const string GrantExpired = "grant.expired";
    public const string GrantRevoked = "grant.revoked";
    public const string DataResourceRegistered = "data_resource.registered";
    public const string ObligationAccepted = "obligation.accepted";
    public const string ObligationFulfilled = "obligation.fulfilled";
    public const string ObligationOverdue = "obligation.overdue";
    public const string ObligationBreached = "obligation.breached";
    public const string SigningKeyRotated = "signing_key.rotated";
    public const string SigningKeyRevoked = "signing_key.revoked";

    public static IReadOnlyList<string> All { get; } =
    [
        LicenseIssued, LicenseImported, LicenseAmended, LicenseSuspended, LicenseReinstated, LicenseRevoked, LicenseCancelled,
        LicenseExpired, LicenseReliedChanged, LicenseSupervised, GrantRequested, GrantDecided, GrantOverdue, GrantExpired,
        GrantRevoked, DataResourceRegistered, ObligationAccepted, ObligationFulfilled, ObligationOverdue, ObligationBreached,
        SigningKeyRotated, SigningKeyRevoked,
    ];
}
