using Hub.Signing.Sm2;

namespace Hub.Signing.Merkle;

/// <summary>A key an auditor trusts to sign the log's checkpoints, and when it was revoked, if it was.</summary>
public sealed record LogKey(Sm2PublicKey Key, DateTimeOffset? RevokedAt = null)
{
    public string KeyId => Key.KeyId;
}
