namespace Hub.Adapters.Ports;

/// <summary>Signs and checks presentation tokens with the hub's SM2 key ring.</summary>
public interface IPresentationSigner
{
    /// <summary>Signs with the active key the payload built for that key's id (the payload names its key).</summary>
    Task<(byte[] Payload, byte[] Signature)> SignAsync(Func<string, byte[]> payloadForKey, CancellationToken cancellationToken);

    /// <summary>True only for a known, unrevoked key whose signature over the payload verifies.</summary>
    Task<bool> VerifyAsync(string keyId, byte[] payload, byte[] signature, CancellationToken cancellationToken);
}
