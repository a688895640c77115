using Hub.Core.Errors;

namespace Hub.Server.Keys;

/// <summary>A seal key as stored: its public half, its private half sealed by the master key, and its state.</summary>
public sealed record StoredSigningKey(
    string KeyId,
    string Algorithm,
    byte[] PublicKey,
    byte[] PrivateKeySealed,
    SigningKeyStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RetiredAt,
    DateTimeOffset? RevokedAt,
    string? RevocationReason);

/// <summary>The document certificate as stored: DER, its RSA private key sealed by the master key.</summary>
public sealed record StoredDocumentCertificate(string Thumbprint, byte[] Certificate, byte[] PrivateKeySealed, bool Active);

/// <summary>
/// The hub's seal keys and document certificates. Rotations and revocations commit with their audit entries; a
/// revocation of the active key makes its replacement active in the same transaction.
/// </summary>
public interface ISigningKeyStore
{
    /// <summary>Stores <paramref name="first"/> as the active key unless one is active already (race-free across replicas).</summary>
    Task EnsureActiveKeyAsync(Func<StoredSigningKey> first, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="first"/> as the active certificate unless one is active already.</summary>
    Task EnsureDocumentCertificateAsync(Func<StoredDocumentCertificate> first, CancellationToken cancellationToken);

    Task<(IReadOnlyList<StoredSigningKey> Keys, IReadOnlyList<StoredDocumentCertificate> Certificates)> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="key"/> active and retires the active one; returns the retired key's id.</summary>
    Task<string?> RotateAsync(StoredSigningKey key, Guid callerId, CancellationToken cancellationToken);

    /// <summary>Revokes a key; returns the new active key's id when the revoked one was active.</summary>
    Task<Outcome<string?>> RevokeAsync(string keyId, string reason, Func<StoredSigningKey> replacement, Guid callerId, CancellationToken cancellationToken);
}
