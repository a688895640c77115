using Google.Protobuf.WellKnownTypes;
using Hub.Common.V1;
using Hub.Delegations.V1;

namespace Hub.Server.Delegations;

/// <summary>
/// A delegation as stored: the parties as blind indexes (and sealed, <see cref="DelegationParties"/>), its scope, its
/// period and uses, and — for an organisation — the license type its legal representative was read from.
/// </summary>
public sealed record StoredDelegation(
    Guid DelegationId,
    byte[] PrincipalIndex,
    byte[] DelegateIndex,
    byte[] PrincipalSealed,
    byte[] DelegateSealed,
    string DelegateLabel,
    IReadOnlyList<string> LicenseIdentifiers,
    IReadOnlyList<string> TypeCodes,
    IReadOnlyList<string> MatterCodes,
    IReadOnlyList<string> Purposes,
    DateTimeOffset GrantedAt,
    DateTimeOffset ValidUntil,
    bool SingleUse,
    int Uses,
    DelegationStatus StoredStatus,
    DateTimeOffset? RevokedAt = null,
    DateTimeOffset? LastUsedAt = null,
    string? LegalRepTypeCode = null,
    byte[]? LegalRepSealed = null)
{
    /// <summary>The status now: a stored REVOKED or ENDED, else USED, EXPIRED or ACTIVE as the row reads at this time.</summary>
    public DelegationStatus StatusAt(DateTimeOffset now) => StoredStatus switch
    {
        DelegationStatus.Revoked or DelegationStatus.Ended => StoredStatus,
        _ when SingleUse && Uses > 0 => DelegationStatus.Used,
        _ when now >= ValidUntil => DelegationStatus.Expired,
        _ => DelegationStatus.Active,
    };

    public Delegation ToMessage(DateTimeOffset now, Holder principal, Holder @delegate)
    {
        var message = new Delegation
        {
            DelegationId = DelegationId.ToString(),
            Principal = principal,
            Delegate = @delegate,
            LicenseIdentifiers = { LicenseIdentifiers },
            TypeCodes = { TypeCodes },
            MatterCodes = { MatterCodes },
            Purposes = { Purposes },
            GrantedAt = Timestamp.FromDateTimeOffset(GrantedAt),
            ValidUntil = Timestamp.FromDateTimeOffset(ValidUntil),
            SingleUse = SingleUse,
            Uses = (uint)Uses,
            Status = StatusAt(now),
        };
        if (RevokedAt is { } revoked)
        {
            message.RevokedAt = Timestamp.FromDateTimeOffset(revoked);
        }

        if (LastUsedAt is { } used)
        {
            message.LastUsedAt = Timestamp.FromDateTimeOffset(used);
        }

        return message;
    }

    /// <summary>A status as the wire spells it without its prefix (ACTIVE, USED …), for messages.</summary>
    public static string Name(DelegationStatus status) => status.ToString().ToUpperInvariant();
}
