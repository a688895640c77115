using Google.Protobuf.WellKnownTypes;
using Hub.Common.V1;
using Hub.Core.Time;
using Hub.Exchange.V1;

namespace Hub.Server.Exchange;

/// <summary>A grant as stored: the decided status only; OVERDUE and EXPIRED are read against a date.</summary>
public sealed record StoredGrant(
    Guid GrantId,
    string ResourceCode,
    Guid ConsumerId,
    string ConsumerOrgCode,
    string ProviderOrgCode,
    IReadOnlyList<string> Fields,
    string Purpose,
    IReadOnlyList<string> MatterCodes,
    int RequestedDays,
    GrantStatus StoredStatus,
    SharingType Sharing,
    DateTimeOffset RequestedAt,
    DateOnly? DueOn,
    DateTimeOffset? DecidedAt,
    string DecisionReason,
    DateOnly? ExpiresOn,
    DateTimeOffset? RevokedAt,
    string RevokeReason)
{
    public GrantStatus StatusOn(DateOnly today) => GrantStatusRules.Effective(StoredStatus, DueOn, ExpiresOn, today);

    public Grant ToMessage(DateOnly today, string resourceName) => new()
    {
        GrantId = GrantId.ToString(),
        ResourceCode = ResourceCode,
        ResourceName = resourceName,
        ConsumerCallerId = ConsumerId.ToString(),
        ConsumerOrgCode = ConsumerOrgCode,
        ProviderOrgCode = ProviderOrgCode,
        Fields = { Fields },
        Purpose = Purpose,
        MatterCodes = { MatterCodes },
        RequestedDays = RequestedDays,
        Status = StatusOn(today),
        SharingType = Sharing,
        RequestedAt = Timestamp.FromDateTimeOffset(RequestedAt),
        DueOn = DueOn is { } due ? ChinaCalendar.ToDate(due) : null,
        DecidedAt = DecidedAt is { } decided ? Timestamp.FromDateTimeOffset(decided) : null,
        DecisionReason = DecisionReason,
        ExpiresOn = ExpiresOn is { } expires ? ChinaCalendar.ToDate(expires) : null,
        RevokedAt = RevokedAt is { } revoked ? Timestamp.FromDateTimeOffset(revoked) : null,
        RevokeReason = RevokeReason,
    };
}
