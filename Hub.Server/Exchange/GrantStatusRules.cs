using Hub.Exchange.V1;

namespace Hub.Server.Exchange;

/// <summary>
/// A grant's status on a given day. Only decisions are stored; lateness and expiry follow from the dates, so a grant
/// stops working the day after <c>expires_on</c> with no job to run, and every replica agrees.
/// </summary>
public static class GrantStatusRules
{
    public static GrantStatus Effective(GrantStatus stored, DateOnly? dueOn, DateOnly? expiresOn, DateOnly today) => stored switch
    {
        GrantStatus.Pending when dueOn is { } due && today > due => GrantStatus.Overdue,
        GrantStatus.Approved when expiresOn is { } expires && today > expires => GrantStatus.Expired,
        _ => stored,
    };

    /// <summary>Whether the provider can still decide: waiting, on time or late.</summary>
    public static bool AwaitsDecision(GrantStatus effective) => effective is GrantStatus.Pending or GrantStatus.Overdue;

    /// <summary>Whether it can be revoked (or withdrawn): waiting or in force.</summary>
    public static bool Revocable(GrantStatus effective) => AwaitsDecision(effective) || effective == GrantStatus.Approved;

    /// <summary>The status as the API and the audit log spell it (e.g. OVERDUE).</summary>
    public static string Name(GrantStatus status) => status.ToString().ToUpperInvariant();
}
