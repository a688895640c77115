using Hub.Catalogue.V1;
using Hub.Common.V1;

namespace Hub.Server.Catalogue;

/// <summary>A registered shared data resource: who provides it and where, its key, fields and sharing terms.</summary>
public sealed record DataResourceDefinition(
    string ResourceCode,
    string Name,
    string ProviderOrgCode,
    string ProviderEndpoint,
    HolderIdType KeyKind,
    IReadOnlyList<FieldSpec> Fields,
    SharingType SharingType,
    string SharingCondition,
    string LegalBasis,
    UpdateCycle UpdateCycle,
    DateTimeOffset RegisteredAt)
{
    public FieldSpec? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);

    public IReadOnlyCollection<string> FieldNames => [.. Fields.Select(f => f.Name)];

    public DataLevel MaxLevel => Fields.Count == 0 ? DataLevel.L1Public : Fields.Max(f => f.Level);

    /// <param name="showEndpoint">The endpoint is internal network detail: only the platform team and the provider see it.</param>
    public DataResource ToMessage(bool showEndpoint) => new()
    {
        ResourceCode = ResourceCode,
        Name = Name,
        ProviderOrgCode = ProviderOrgCode,
        ProviderEndpoint = showEndpoint ? ProviderEndpoint : string.Empty,
        KeyKind = KeyKind,
        Fields = { Fields.Select(f => f.Clone()) },
        SharingType = SharingType,
        SharingCondition = SharingCondition,
        LegalBasis = LegalBasis,
        UpdateCycle = UpdateCycle,
        RegisteredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(RegisteredAt),
        MaxLevel = MaxLevel,
    };
}
