using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Disclosure;

namespace Hub.Server.Catalogue;

/// <summary>A registered license type: its code, who defines and may issue it, whose it is, and its face fields.</summary>
public sealed record LicenseTypeDefinition(
    string TypeCode,
    string Name,
    string DefiningOrgCode,
    IReadOnlyList<string> IssuerOrgCodes,
    HolderKind HolderKind,
    IReadOnlyList<FieldSpec> Fields,
    SharingType SharingType,
    DateTimeOffset RegisteredAt)
{
    /// <summary>The level registered for license_number; UNSPECIFIED means the default (<see cref="LicenseNumberSpec"/>).</summary>
    public DataLevel LicenseNumberLevel { get; init; }

    /// <summary>The level registered for status_reason; UNSPECIFIED means the default (<see cref="StatusReasonSpec"/>).</summary>
    public DataLevel StatusReasonLevel { get; init; }

    /// <summary>
    /// license_number as a field of the policy: many persons' license numbers are their 身份证号 (驾驶证), so by default
    /// L3 and masked like one; an organisation's license number is a public registration fact (L1).
    /// </summary>
    public FieldSpec LicenseNumberSpec => DisclosurePolicy.LicenseNumber(
        LicenseNumberLevel != DataLevel.Unspecified ? LicenseNumberLevel
        : HolderKind == HolderKind.Organization ? DataLevel.L1Public : DataLevel.L3Sensitive);

    /// <summary>status_reason as a field of the policy: why a license was suspended or revoked; L2 by default.</summary>
    public FieldSpec StatusReasonSpec => DisclosurePolicy.StatusReason(StatusReasonLevel != DataLevel.Unspecified ? StatusReasonLevel : DataLevel.L2Internal);

    public FieldSpec? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);

    public LicenseType ToMessage() => new()
    {
        TypeCode = TypeCode,
        Name = Name,
        DefiningOrgCode = DefiningOrgCode,
        IssuerOrgCodes = { IssuerOrgCodes },
        HolderKind = HolderKind,
        Fields = { Fields.Select(f => f.Clone()) },
        SharingType = SharingType,
        RegisteredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(RegisteredAt),
        LicenseNumberLevel = LicenseNumberSpec.Level,
        StatusReasonLevel = StatusReasonSpec.Level,
    };
}
