using Hub.Catalogue.V1;
using Hub.Common.V1;

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
    };
}
