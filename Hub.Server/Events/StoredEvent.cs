namespace Hub.Server.Events;

/// <summary>An event as numbered and kept in <c>events</c>; <see cref="Data"/> is its facts with their levels (JSON).</summary>
public sealed record StoredEvent(
    long EventId,
    long LogIndex,
    DateTimeOffset OccurredAt,
    string EventType,
    string ObjectType,
    string ObjectId,
    string? LicenseType,
    string? IssuerOrg,
    string? MatterCode,
    string Data);

/// <summary>The oldest event still kept and the latest numbered (0 when none has been); events in between are all present.</summary>
public readonly record struct EventBounds(long Oldest, long Latest);

/// <summary>Who reads events: a SUBSCRIBER reads those for everyone and those addressed to it; others only the latter.</summary>
public sealed record EventAudience(Guid CallerId, string OrgCode, Hub.Common.V1.DataLevel Clearance, bool Subscriber)
{
    /// <summary>A caller's audience as it is registered now (its roles, organisation and clearance).</summary>
    public static EventAudience Of(Hub.Core.Callers.Caller caller) => new(caller.Id, caller.OrgCode, caller.Clearance, caller.Has(Hub.Common.V1.Role.Subscriber));
}
