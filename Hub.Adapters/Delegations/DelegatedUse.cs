using Hub.Adapters.Exemption;

namespace Hub.Adapters.Delegations;

/// <summary>
/// One attempt to act for a principal: under which delegation, by whom (both blind indexes), for which matter or
/// purpose, and — for a presentation — which license.
/// </summary>
public sealed record DelegatedUse(Guid DelegationId, byte[] PrincipalIndex, byte[] DelegateIndex, string? MatterCode, string? Purpose, HolderLicense? License);

/// <summary>What a delegation lets its delegate use: these licenses, and licenses of these types.</summary>
public sealed record DelegatedScope(Guid DelegationId, IReadOnlyCollection<string> LicenseIdentifiers, IReadOnlyCollection<string> TypeCodes)
{
    public bool Covers(HolderLicense license) =>
        LicenseIdentifiers.Contains(license.Identifier) || TypeCodes.Contains(license.TypeCode);
}
