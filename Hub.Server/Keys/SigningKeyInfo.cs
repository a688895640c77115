using Hub.Signing.Sm2;

namespace Hub.Server.Keys;

/// <summary>A seal key's public half and its state, as verification and <c>GetSigningKeys</c> need it.</summary>
public sealed record SigningKeyInfo(
    string KeyId,
    string Algorithm,
    Sm2PublicKey PublicKey,
    SigningKeyStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RetiredAt,
    DateTimeOffset? RevokedAt,
    string? RevocationReason);
