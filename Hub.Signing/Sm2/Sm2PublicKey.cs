using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Hub.Signing.Sm2;

/// <summary>
/// An SM2 public key: verifies SM2-with-SM3 signatures (GM/T 0009 default ID, DER). Its id is the first 16 hex
/// characters of SM3 over the SubjectPublicKeyInfo DER. Safe for concurrent use.
/// </summary>
public sealed class Sm2PublicKey
{
    private readonly ECPublicKeyParameters _key;

    internal Sm2PublicKey(ECPublicKeyParameters key)
    {
        _key = key;
        SubjectPublicKeyInfo = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(key).GetDerEncoded();
        KeyId = Convert.ToHexStringLower(Sm3.Hash(SubjectPublicKeyInfo))[..16];
    }

    public string KeyId { get; }

    public byte[] SubjectPublicKeyInfo { get; }

    public string Pem => PemEncoding.WriteString("PUBLIC KEY", SubjectPublicKeyInfo);

    public static Sm2PublicKey FromSubjectPublicKeyInfo(byte[] der) =>
        PublicKeyFactory.CreateKey(der) is ECPublicKeyParameters key && Sm2Curve.IsSm2(key.Parameters)
            ? new Sm2PublicKey(key)
            : throw new CryptographicException("not an SM2 public key");

    public static Sm2PublicKey FromPem(string pem)
    {
        var fields = PemEncoding.Find(pem);
        return pem[fields.Label] is "PUBLIC KEY"
            ? FromSubjectPublicKeyInfo(Convert.FromBase64String(pem[fields.Base64Data]))
            : throw new CryptographicException("expected a PEM 'PUBLIC KEY'");
    }

    /// <summary>True when <paramref name="signature"/> is a valid DER SM2 signature over <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, byte[] signature)
    {
        // BouncyCastle signers are not thread-safe and cheap to create next to the curve arithmetic: one per call.
        var verifier = new SM2Signer();
        verifier.Init(false, _key);
        verifier.BlockUpdate(data);
        try
        {
            return verifier.VerifySignature(signature);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or Org.BouncyCastle.Crypto.CryptoException)
        {
            return false;
        }
    }
}
