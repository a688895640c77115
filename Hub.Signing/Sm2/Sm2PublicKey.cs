using System.Security.Cryptography;
using Hub.Signing.Sm2.Managed;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace Hub.Signing.Sm2;

/// <summary>
/// An SM2 public key: verifies SM2-with-SM3 signatures (GM/T 0009 default ID, DER) on its engine. Its id is the first
/// 16 hex characters of SM3 over the SubjectPublicKeyInfo DER. Safe for concurrent use.
/// </summary>
public sealed class Sm2PublicKey
{
    /// <summary>GM/T 0009 default user ID.</summary>
    private static ReadOnlySpan<byte> DefaultId => "1234567812345678"u8;

    private Sm2PublicKey(ECPublicKeyParameters key, AffinePoint q, Sm2Engine engine)
    {
        BouncyCastlePublic = key;
        Engine = engine;
        SubjectPublicKeyInfo = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(key).GetDerEncoded();
        KeyId = Convert.ToHexStringLower(Sm3.Hash(SubjectPublicKeyInfo))[..16];
        Span<byte> x = stackalloc byte[32];
        Span<byte> y = stackalloc byte[32];
        q.X.ToBytes(x);
        q.Y.ToBytes(y);
        Span<byte> za = stackalloc byte[32];
        ManagedSm2.ComputeZa(DefaultId, x, y, za);
        Managed = new ManagedPublicKey(q, za);
    }

    public string KeyId { get; }

    public byte[] SubjectPublicKeyInfo { get; }

    public string Pem => PemEncoding.WriteString("PUBLIC KEY", SubjectPublicKeyInfo);

    public Sm2Engine Engine { get; }

    internal ECPublicKeyParameters BouncyCastlePublic { get; }

    internal ManagedPublicKey Managed { get; }

    public static Sm2PublicKey FromSubjectPublicKeyInfo(byte[] der, Sm2Engine? engine = null)
    {
        if (PublicKeyFactory.CreateKey(der) is not ECPublicKeyParameters key || !Sm2Curve.IsSm2(key.Parameters))
        {
            throw new CryptographicException("not an SM2 public key");
        }

        var encoded = key.Q.Normalize().GetEncoded(false);
        return FromUncompressedPoint(encoded, engine);
    }

    public static Sm2PublicKey FromPem(string pem, Sm2Engine? engine = null)
    {
        var fields = PemEncoding.Find(pem);
        return pem[fields.Label] is "PUBLIC KEY"
            ? FromSubjectPublicKeyInfo(Convert.FromBase64String(pem[fields.Base64Data]), engine)
            : throw new CryptographicException("expected a PEM 'PUBLIC KEY'");
    }

    /// <summary>
    /// A key from its uncompressed point 04 ‖ x ‖ y (65 bytes). Refused: other lengths or prefixes, coordinates not
    /// below p, points off the curve (the point at infinity has no such encoding).
    /// </summary>
    public static Sm2PublicKey FromUncompressedPoint(ReadOnlySpan<byte> point, Sm2Engine? engine = null)
    {
        if (point.Length != 65 || point[0] != 0x04
            || !Fp.TryFromBytes(point.Slice(1, 32), out var x) || !Fp.TryFromBytes(point.Slice(33, 32), out var y)
            || !Curve.IsOnCurve(new AffinePoint(x, y)))
        {
            throw new CryptographicException("not a point of the SM2 curve (expected 04 ‖ x ‖ y, 65 bytes, on sm2p256v1)");
        }

        var bcPoint = Sm2Curve.Parameters.Curve.DecodePoint(point.ToArray());
        return new Sm2PublicKey(new ECPublicKeyParameters(bcPoint, Sm2Curve.Parameters), new AffinePoint(x, y), engine ?? Sm2Engine.Default);
    }

    internal static Sm2PublicKey FromPoint(in AffinePoint q, Sm2Engine engine)
    {
        Span<byte> encoded = stackalloc byte[65];
        encoded[0] = 0x04;
        q.X.ToBytes(encoded.Slice(1, 32));
        q.Y.ToBytes(encoded.Slice(33, 32));
        return FromUncompressedPoint(encoded, engine);
    }

    /// <summary>The same key on another engine.</summary>
    public Sm2PublicKey WithEngine(Sm2Engine engine) => new(BouncyCastlePublic, Managed.Q, engine);

    /// <summary>
    /// Builds this key's fixed-base table (10-bit windows: 832 KB, about 20 ms) so verifications against it skip their
    /// doublings: worth it for keys that verify often, such as the hub's own.
    /// </summary>
    public void Precompute() => Managed.Precompute();

    /// <summary>True when <paramref name="signature"/> is a valid DER SM2 signature over <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => Engine.Verify(this, data, signature);
}
