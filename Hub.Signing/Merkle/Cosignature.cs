using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;

namespace Hub.Signing.Merkle;

/// <summary>
/// C2SP tlog-cosignature (<c>cosignature/v1</c>): a witness's Ed25519 signature over
/// <c>"cosignature/v1\ntime &lt;t&gt;\n" ‖ checkpoint body</c>, written as the note line
/// <c>— &lt;name&gt; base64(key ID[4] ‖ u64 BE t ‖ signature[64])</c>, key ID = SHA-256(name ‖ 0x0A ‖ 0x04 ‖ key)[:4];
/// the witness's verifier key is <c>name+hex(key ID)+base64(0x04 ‖ key)</c>.
/// </summary>
public static class Cosignature
{
    public const byte SignatureType = 0x04;

    public static byte[] KeyId(string name, ReadOnlySpan<byte> publicKey) =>
        SHA256.HashData([.. Encoding.UTF8.GetBytes(name), 0x0A, SignatureType, .. publicKey])[..4];

    public static string VerifierKey(string name, ReadOnlySpan<byte> publicKey) =>
        $"{name}+{Convert.ToHexStringLower(KeyId(name, publicKey))}+{Convert.ToBase64String([SignatureType, .. publicKey])}";

    /// <summary>The signed message for a checkpoint body (ending in its newline) at Unix time <paramref name="time"/>.</summary>
    public static byte[] Message(string body, ulong time) => Encoding.UTF8.GetBytes($"cosignature/v1\ntime {time}\n{body}");

    /// <summary>The note line cosigning <paramref name="body"/> at <paramref name="time"/>.</summary>
    public static string Line(string name, Ed25519PrivateKeyParameters key, string body, ulong time)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, key);
        var message = Message(body, time);
        signer.BlockUpdate(message, 0, message.Length);
        var signature = signer.GenerateSignature();
        var timeBytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(timeBytes, time);
        return $"— {name} {Convert.ToBase64String([.. KeyId(name, key.GeneratePublicKey().GetEncoded()), .. timeBytes, .. signature])}";
    }

    /// <summary>The witness's name and public key from its verifier key; false when it is not one.</summary>
    public static bool TryParseVerifierKey(string vkey, out string name, out byte[] publicKey)
    {
        (name, publicKey) = (string.Empty, []);
        // The key is base64, which may itself contain '+': only the first two are separators.
        var parts = vkey.Trim().Split('+', 3);
        if (parts.Length != 3)
        {
            return false;
        }

        try
        {
            var raw = Convert.FromBase64String(parts[2]);
            if (raw.Length != 33 || raw[0] != SignatureType || Convert.ToHexStringLower(KeyId(parts[0], raw.AsSpan(1))) != parts[1])
            {
                return false;
            }

            (name, publicKey) = (parts[0], raw[1..]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The time of a cosignature line by this witness over this body when it verifies; null otherwise.</summary>
    public static ulong? Verify(string line, string name, byte[] publicKey, string body)
    {
        var prefix = $"— {name} ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        byte[] raw;
        try
        {
            raw = Convert.FromBase64String(line[prefix.Length..].Trim());
        }
        catch (FormatException)
        {
            return null;
        }

        if (raw.Length != 4 + 8 + 64 || !raw.AsSpan(0, 4).SequenceEqual(KeyId(name, publicKey)))
        {
            return null;
        }

        var time = BinaryPrimitives.ReadUInt64BigEndian(raw.AsSpan(4, 8));
        var verifier = new Ed25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey));
        var message = Message(body, time);
        verifier.BlockUpdate(message, 0, message.Length);
        return verifier.VerifySignature(raw[12..]) ? time : null;
    }
}
