using System.Security.Cryptography;
using Hub.Adapters.Delegations;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Delegations.V1;

namespace Hub.Server.Delegations;

/// <summary>
/// Whether a use falls within a delegation, in the order a person would ask: is it theirs to use (principal and
/// delegate), does it still stand (revoked, ended, used, expired), and does it cover this matter or purpose and
/// this license. The legal-representative check needs the licenses, so <see cref="DelegationChecks"/> makes it.
/// </summary>
public static class DelegationRules
{
    public static HubError? Refusal(StoredDelegation delegation, DelegatedUse use, DateTimeOffset now)
    {
        // Another principal's delegation is "not found", so ids cannot be probed across holders.
        if (!CryptographicOperations.FixedTimeEquals(delegation.PrincipalIndex, use.PrincipalIndex))
        {
            return NotFound();
        }

        if (!CryptographicOperations.FixedTimeEquals(delegation.DelegateIndex, use.DelegateIndex))
        {
            return HubError.PermissionDenied(ReasonCodes.NotDelegate, "the delegation names another delegate than the one acting.");
        }

        switch (delegation.StatusAt(now))
        {
            case DelegationStatus.Revoked:
                return Revoked();
            case DelegationStatus.Ended:
                return Ended();
            case DelegationStatus.Used:
                return Used();
            case DelegationStatus.Expired:
                return HubError.FailedPrecondition(ReasonCodes.DelegationExpired, $"the delegation ended at {delegation.ValidUntil:yyyy-MM-dd HH:mm} UTC; the principal grants a new one.");
        }

        var forMatter = use.MatterCode is { } matter && delegation.MatterCodes.Contains(matter);
        var forPurpose = use.Purpose is { } purpose && delegation.Purposes.Contains(purpose.Trim());
        if (!forMatter && !forPurpose)
        {
            return OutOfScope($"it covers matters [{string.Join(", ", delegation.MatterCodes)}] and {delegation.Purposes.Count} named purposes, not this one.");
        }

        if (use.License is { } license && !delegation.LicenseIdentifiers.Contains(license.Identifier) && !delegation.TypeCodes.Contains(license.TypeCode))
        {
            return OutOfScope($"it does not cover license {license.Identifier} (type {license.TypeCode}).");
        }

        return null;
    }

    public static HubError NotFound() =>
        HubError.NotFound(ReasonCodes.DelegationNotFound, "no delegation of this principal has this delegation_id.");

    public static HubError Revoked() =>
        HubError.FailedPrecondition(ReasonCodes.DelegationRevoked, "the principal revoked this delegation.");

    public static HubError Used() =>
        HubError.FailedPrecondition(ReasonCodes.DelegationUsed, "the delegation was for a single use, and it was used.");

    public static HubError Ended() =>
        HubError.FailedPrecondition(ReasonCodes.DelegationEnded, "the organisation's legal representative changed since it granted the delegation (an amended 营业执照); the new one grants again.");

    private static HubError OutOfScope(string detail) =>
        HubError.PermissionDenied(ReasonCodes.DelegationOutOfScope, "outside the delegation's scope: " + detail);
}
