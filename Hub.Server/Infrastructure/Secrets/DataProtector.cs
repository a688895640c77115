using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Hub.Common.V1;
using Hub.Core.Holders;
using Hub.Signing.Sm2;

namespace Hub.Server.Infrastructure.Secrets;

/// <summary>
/// Encrypts personal data at rest with versioned data keys (AES-256-GCM; output starts with the 2-byte key version)
/// and computes blind indexes (HMAC-SM3 of id-type code and number) so holders are found without decrypting.
/// Loaded once at start-up by <see cref="KeyMaterialInitializer"/>.
/// </summary>
public sealed class DataProtector
{
    private IReadOnlyDictionary<short, byte[]> _dataKeys = new Dictionary<short, byte[]>();
    private short _activeVersion;
    private byte[] _blindIndexKey = [];

    public bool Loaded => _activeVersion > 0;

    internal void Load(IReadOnlyDictionary<short, byte[]> dataKeys, byte[] blindIndexKey)
    {
        _dataKeys = dataKeys;
        _activeVersion = dataKeys.Keys.Max();
        _blindIndexKey = blindIndexKey;
    }

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var box = AesGcmBox.Seal(ActiveKey(), plaintext, associatedData);
        var output = new byte[2 + box.Length];
        BinaryPrimitives.WriteInt16BigEndian(output, _activeVersion);
        box.CopyTo(output, 2);
        return output;
    }

    public byte[] Decrypt(ReadOnlySpan<byte> ciphertext, string associatedData)
    {
        var version = BinaryPrimitives.ReadInt16BigEndian(ciphertext);
        return _dataKeys.TryGetValue(version, out var key)
            ? AesGcmBox.Open(key, ciphertext[2..], associatedData)
            : throw new CryptographicException($"data key version {version} is not loaded");
    }

    /// <summary>The blind index of a holder identifier: HMAC-SM3(key, "{GB/T 36903 code}:{normalized number}").</summary>
    public byte[] BlindIndex(HolderIdType type, string normalizedNumber)
    {
        if (_blindIndexKey.Length == 0)
        {
            throw new InvalidOperationException("key material is not loaded yet");
        }

        return Sm3.Hmac(_blindIndexKey, Encoding.UTF8.GetBytes($"{HolderIdTypes.Code(type)}:{normalizedNumber}"));
    }

    private byte[] ActiveKey() => _activeVersion > 0 ? _dataKeys[_activeVersion] : throw new InvalidOperationException("key material is not loaded yet");
}
