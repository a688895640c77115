using Hub.Adapters.Ports;
using Hub.Server.Keys;

namespace Hub.Server.Verification;

/// <summary>Presentation tokens signed by the seal key ring: active key to sign, any unrevoked key to verify.</summary>
public sealed class PresentationSigner(ISigningKeyRing keys) : IPresentationSigner
{
    public async Task<(byte[] Payload, byte[] Signature)> SignAsync(Func<string, byte[]> payloadForKey, CancellationToken cancellationToken)
    {
        var key = await keys.ActiveKeyAsync(cancellationToken);
        var payload = payloadForKey(key.KeyId);
        return (payload, key.Sign(payload));
    }

    public async Task<bool> VerifyAsync(string keyId, byte[] payload, byte[] signature, CancellationToken cancellationToken) =>
        await keys.FindAsync(keyId, cancellationToken) is { Status: not SigningKeyStatus.Revoked } key && key.PublicKey.Verify(payload, signature);
}
