using System.Security.Cryptography.X509Certificates;
using Hub.Admin.V1;
using Hub.Core.Errors;
using Hub.Signing.Sm2;
using Caller = Hub.Core.Callers.Caller;

namespace Hub.Server.Keys;

/// <summary>The hub's SM2 seal keys and its document certificate, as every feature that seals or verifies uses them.</summary>
public interface ISigningKeyRing
{
    /// <summary>The seal algorithm, as licenses and documents name it.</summary>
    const string Algorithm = "SM2-SM3";

    /// <summary>The certificate (with its RSA private key) that signs exported documents.</summary>
    X509Certificate2 DocumentCertificate { get; }

    /// <summary>Creates the first seal key and document certificate when there are none, then loads them.</summary>
    Task InitializeAsync(string documentSubject, CancellationToken cancellationToken);

    /// <summary>The active key, for sealing.</summary>
    ValueTask<Sm2KeyPair> ActiveKeyAsync(CancellationToken cancellationToken);

    /// <summary>A key by id (any status), or null when the hub never had it.</summary>
    ValueTask<SigningKeyInfo?> FindAsync(string keyId, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<SigningKeyInfo>> ListAsync(CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<X509Certificate2>> DocumentCertificatesAsync(CancellationToken cancellationToken);

    /// <summary>Makes a new key active and retires the previous one, with its audit entry.</summary>
    Task<Outcome<RotateSigningKeyResponse>> RotateAsync(Caller admin, CancellationToken cancellationToken);

    /// <summary>Revokes a key (compromise). Revoking the active key first rotates to a new one.</summary>
    Task<Outcome<RevokeSigningKeyResponse>> RevokeAsync(Caller admin, RevokeSigningKeyCommand command, CancellationToken cancellationToken);
}

/// <summary>RevokeSigningKey: which key, and why.</summary>
public sealed record RevokeSigningKeyCommand(string KeyId, string Reason)
{
    public const int KeyIdLength = 16;

    public static Outcome<RevokeSigningKeyCommand> Parse(RevokeSigningKeyRequest request)
    {
        var violations = new Core.Validation.Violations();
        var keyId = violations.Text("key_id", request.KeyId, KeyIdLength).ToLowerInvariant();
        var reason = violations.Text("reason", request.Reason, Core.Validation.InputLimits.ReasonLength);
        return violations.ToError() is { } invalid ? invalid : new RevokeSigningKeyCommand(keyId, reason);
    }
}
