using Hub.Common.V1;
using Hub.Licenses.V1;

namespace Hub.Adapters.Exemption;

/// <summary>The current version of one of an applicant's licenses, with what the checks need to decide and disclose.</summary>
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
    SharingType Sharing);
