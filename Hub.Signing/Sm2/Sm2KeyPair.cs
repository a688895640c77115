using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace Hub.Signing.Sm2;

/// <summary>An SM2 private key with its public key: signs with SM2-with-SM3 (GM/T 0009 default ID, DER). Thread-safe.</summary>
public sealed class Sm2KeyPair
{
    private readonly ECPrivateKeyParameters _private;

    private Sm2KeyPair(ECPrivateKeyParameters privateKey, ECPublicKeyParameters publicKey)
    {
        _private = privateKey;
        PublicKey = new Sm2PublicKey(publicKey);
    }

    public Sm2PublicKey PublicKey { get; }

    public string KeyId => PublicKey.KeyId;

    public static Sm2KeyPair Generate()
    {
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(Sm2Curve.Parameters, new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        return new Sm2KeyPair((ECPrivateKeyParameters)pair.Private, (ECPublicKeyParameters)pair.Public);
    }

    /// <summary>Loads an unencrypted PKCS#8 PrivateKeyInfo (DER), as written by <see cref="ExportPkcs8"/> or OpenSSL.</summary>
    public static Sm2KeyPair FromPkcs8(byte[] der)
    {
        if (PrivateKeyFactory.CreateKey(der) is not ECPrivateKeyParameters key || !Sm2Curve.IsSm2(key.Parameters))
        {
            throw new CryptographicException("not an SM2 private key");
        }

        var named = new ECPrivateKeyParameters(key.D, Sm2Curve.Parameters);
        var q = Sm2Curve.Parameters.G.Multiply(key.D).Normalize();
        return new Sm2KeyPair(named, new ECPublicKeyParameters(q, Sm2Curve.Parameters));
    }

    /// <summary>A key from a known private scalar (test vectors only).</summary>
    public static Sm2KeyPair FromPrivateScalar(byte[] d)
    {
        var scalar = new BigInteger(1, d);
        var q = Sm2Curve.Parameters.G.Multiply(scalar).Normalize();
        return new Sm2KeyPair(new ECPrivateKeyParameters(scalar, Sm2Curve.Parameters), new ECPublicKeyParameters(q, Sm2Curve.Parameters));
    }

    /// <summary>The private key as unencrypted PKCS#8 DER: encrypt it before it leaves memory.</summary>
    public byte[] ExportPkcs8() => PrivateKeyInfoFactory.CreatePrivateKeyInfo(_private).GetDerEncoded();

    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signer = new SM2Signer();
        signer.Init(true, new ParametersWithRandom(_private, new SecureRandom()));
        signer.BlockUpdate(data);
        return signer.GenerateSignature();
    }
}
