using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace Hub.Signing.Sm2;

/// <summary>SM3 (GB/T 32905) hashing and HMAC-SM3.</summary>
public static class Sm3
{
    public const int HashSize = 32;

    public static byte[] Hash(ReadOnlySpan<byte> data)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(data);
        var hash = new byte[HashSize];
        digest.DoFinal(hash);
        return hash;
    }

    /// <summary>SM3 over the concatenation of several parts, without joining them first.</summary>
    public static byte[] Hash(params ReadOnlySpan<byte[]> parts)
    {
        var digest = new SM3Digest();
        foreach (var part in parts)
        {
            digest.BlockUpdate(part);
        }

        var hash = new byte[HashSize];
        digest.DoFinal(hash);
        return hash;
    }

    public static byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var mac = new HMac(new SM3Digest());
        mac.Init(new KeyParameter(key));
        mac.BlockUpdate(data);
        var result = new byte[HashSize];
        mac.DoFinal(result);
        return result;
    }
}
