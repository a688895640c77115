using Hub.Core.Callers;

namespace Hub.Server.Callers;

/// <summary>A registered caller as stored: the <see cref="Caller"/> plus its certificates and lifecycle.</summary>
public sealed record CallerRecord(
    Caller Caller,
    IReadOnlyList<string> CertificateThumbprints,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt,
    string? DisabledReason)
{
    /// <summary>The SM2 public key (SubjectPublicKeyInfo DER) that signs this caller's holder assertions; PORTALs only.</summary>
    public byte[]? AssertionKey { get; init; }

    public bool Disabled => DisabledAt is not null;
}
