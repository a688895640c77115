using System.Security.Cryptography;
using Hub.Signing.Sm2.Managed;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;

namespace Hub.Signing.Sm2;

/// <summary>
/// An SM2 private key with its public key: signs with SM2-with-SM3 (GM/T 0009 default ID, DER) on the engine it was
/// made with (<see cref="Sm2Engine.Default"/> unless given). Thread-safe.
/// </summary>
public sealed class Sm2KeyPair
{
    public const int MaxSignatureLength = 72;

    private Sm2KeyPair(BigInteger d, Sm2Engine engine)
    {
        Engine = engine;
        BouncyCastlePrivate = new ECPrivateKeyParameters(d, Sm2Curve.Parameters);
        Span<byte> scalar = stackalloc byte[32];
        var magnitude = d.ToByteArrayUnsigned();
        magnitude.CopyTo(scalar[(32 - magnitude.Length)..]);
        CryptographicOperations.ZeroMemory(magnitude);
        Managed = new ManagedPrivateKey(scalar);
        var q = ManagedSm2.PublicPoint(scalar);
        CryptographicOperations.ZeroMemory(scalar);
        PublicKey = Sm2PublicKey.FromPoint(q, engine);
    }

    public Sm2PublicKey PublicKey { get; }

    public string KeyId => PublicKey.KeyId;

    public Sm2Engine Engine { get; }

    internal ECPrivateKeyParameters BouncyCastlePrivate { get; }

    internal ManagedPrivateKey Managed { get; }

    public static Sm2KeyPair Generate(Sm2Engine? engine = null)
    {
        Span<byte> random = stackalloc byte[32];
        while (true)
        {
            RandomNumberGenerator.Fill(random);
            var d = new BigInteger(1, random);
            // d in [1, n − 2]: 1 + d must be invertible.
            if (d.SignValue > 0 && d.CompareTo(Sm2Curve.Parameters.N.Subtract(BigInteger.One)) < 0)
            {
                CryptographicOperations.ZeroMemory(random);
                return new Sm2KeyPair(d, engine ?? Sm2Engine.Default);
            }
        }
    }

    /// <summary>Loads an unencrypted PKCS#8 PrivateKeyInfo (DER), as written by <see cref="ExportPkcs8"/> or OpenSSL.</summary>
    public static Sm2KeyPair FromPkcs8(byte[] der, Sm2Engine? engine = null)
    {
        if (PrivateKeyFactory.CreateKey(der) is not ECPrivateKeyParameters key || !Sm2Curve.IsSm2(key.Parameters))
        {
            throw new CryptographicException("not an SM2 private key");
        }

        return new Sm2KeyPair(key.D, engine ?? Sm2Engine.Default);
    }

    /// <summary>A key from a known private scalar (test vectors only).</summary>
    public static Sm2KeyPair FromPrivateScalar(byte[] d, Sm2Engine? engine = null) => new(new BigInteger(1, d), engine ?? Sm2Engine.Default);

    /// <summary>The same key on another engine.</summary>
    public Sm2KeyPair WithEngine(Sm2Engine engine) => new(BouncyCastlePrivate.D, engine);

    /// <summary>The private key as unencrypted PKCS#8 DER: encrypt it before it leaves memory.</summary>
    public byte[] ExportPkcs8() => PrivateKeyInfoFactory.CreatePrivateKeyInfo(BouncyCastlePrivate).GetDerEncoded();

    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        Span<byte> signature = stackalloc byte[MaxSignatureLength];
        return signature[..Engine.Sign(this, data, signature)].ToArray();
    }

    /// <summary>Signs into <paramref name="signature"/> (at least <see cref="MaxSignatureLength"/> bytes); returns the DER length.</summary>
    public int Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(signature.Length, MaxSignatureLength);
        return Engine.Sign(this, data, signature);
    }
}
