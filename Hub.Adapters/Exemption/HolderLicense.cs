using Hub.Common.V1;
using Hub.Licenses.V1;

namespace Hub.Adapters.Exemption;

/// <summary>One version of an applicant's license (the current one, unless looked up by an older identifier), with what the checks need to decide and disclose.</summary>
public sealed record HolderLicense(
    string Identifier,
    string TypeCode,
    int Version,
    LicenseStatus StoredStatus,
    DateOnly ValidFrom,
    DateOnly? ValidUntil,
    DateTimeOffset IssuedAt,
    string IssuerOrgCode,
    string TypeName,
    string HolderName,
    byte[] HolderIndex,
    IReadOnlyDictionary<string, string> Face,
    IReadOnlyList<FieldSpec> Fields,
    SharingType Sharing)
{
    /// <summary>The license's current version; <see cref="Version"/> is superseded when they differ.</summary>
    public int CurrentVersion { get; init; } = Version;

    public bool Superseded => Version != CurrentVersion;
}
