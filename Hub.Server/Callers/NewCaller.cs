using Hub.Common.V1;

namespace Hub.Server.Callers;

/// <summary>A validated request to register a caller; a PORTAL's holder-assertion key as SubjectPublicKeyInfo DER.</summary>
public sealed record NewCaller(
    string OrgCode,
    string OrgName,
    string SystemName,
    IReadOnlySet<Role> Roles,
    DataLevel Clearance,
    IReadOnlyList<string> CertificateThumbprints,
    byte[]? AssertionKey = null);
