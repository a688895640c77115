using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Hub.Signing.Sm2.Managed;

/// <summary>The private scalar and what signing derives from it once: d (Montgomery form) and (1 + d)⁻¹ (Montgomery form).</summary>
internal sealed class ManagedPrivateKey
{
    public ManagedPrivateKey(ReadOnlySpan<byte> d32)
    {
        var d = Fn.FromBytesRaw(d32);
        if (d.InRangeMask() == 0)
        {
            throw new CryptographicException("the SM2 private scalar must be in [1, n − 1]");
        }

        Fn.MontMul(d, Fn.R2, out DMont);
        Fn.Add(d, Fn.One, out var onePlusD);
        Fn.Invert(onePlusD, out var inverse);
        Fn.MontMul(inverse, Fn.R2, out OnePlusDInverseMont);
    }

    public readonly Fn DMont;

    public readonly Fn OnePlusDInverseMont;
}

/// <summary>The public point, its Z_A under the default ID, and optionally a fixed-base table (for the hub's own keys).</summary>
internal sealed class ManagedPublicKey
{
    private FixedBaseTable? _table;

    public ManagedPublicKey(in AffinePoint q, ReadOnlySpan<byte> za)
    {
        Q = q;
        Za = za.ToArray();
    }

    public AffinePoint Q { get; }

    public byte[] Za { get; }

    public FixedBaseTable? Table => Volatile.Read(ref _table);

    public void Precompute() => Volatile.Write(ref _table, _table ?? new FixedBaseTable(Q, FixedBaseTable.VerificationWidth));
}

/// <summary>
/// SM2 signing and verification (GB/T 32918.2 with SM3, GM/T 0009 default ID) on sm2p256v1, specialised for this
/// curve. Signing is constant-time in the private key and the nonce; the nonce comes from the operating system's
/// CSPRNG. Nothing here allocates per operation.
/// </summary>
internal static class ManagedSm2
{
    private static readonly Lazy<FixedBaseTable> GeneratorTable = new(() => new FixedBaseTable(Curve.G, FixedBaseTable.SigningWidth));
    private static readonly Lazy<FixedBaseTable> VerificationGeneratorTable = new(() => new FixedBaseTable(Curve.G, FixedBaseTable.VerificationWidth));

    /// <summary>G's table for signing (constant-time lookups, 7-bit windows).</summary>
    internal static FixedBaseTable G => GeneratorTable.Value;

    /// <summary>G's table for verification (public scalars, one entry a window, 10-bit windows).</summary>
    internal static FixedBaseTable VerificationG => VerificationGeneratorTable.Value;

    /// <summary>Signs SM3(Z_A ‖ message) into <paramref name="signature"/> (DER, at most 72 bytes); returns its length.</summary>
    public static int Sign(ManagedPrivateKey key, ReadOnlySpan<byte> za, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        var e = Digest(za, message);
        Span<byte> random = stackalloc byte[32];
        while (true)
        {
            RandomNumberGenerator.Fill(random);
            var k = Fn.FromBytesRaw(random);
            if (k.InRangeMask() == 0)
            {
                continue;
            }

            if (TrySignWithNonce(key, e, k, out var r, out var s))
            {
                CryptographicOperations.ZeroMemory(random);
                return Sm2Der.Encode(r, s, signature);
            }
        }
    }

    /// <summary>
    /// One signing attempt with nonce k: false for the (negligible) cases that need another nonce — r = 0,
    /// r + k = n, s = 0, or a degenerate addition in k·G.
    /// </summary>
    internal static bool TrySignWithNonce(ManagedPrivateKey key, in Fn e, in Fn k, out Fn r, out Fn s)
    {
        s = default;
        G.MultiplyConstantTime(k, out var kg, out var degenerate);
        Curve.ToAffine(kg, out var point);
        Span<byte> x1 = stackalloc byte[32];
        point.X.ToBytes(x1);
        Fn.Add(e, Fn.FromBytesReduced(x1), out r);
        Fn.Add(r, k, out var rk);
        if ((degenerate | r.IsZeroMask() | rk.IsZeroMask()) != 0)
        {
            return false;
        }

        // s = (1 + d)⁻¹ · (k − r·d) mod n
        Fn.MontMul(r, key.DMont, out var rd);
        Fn.Sub(k, rd, out var t);
        Fn.MontMul(key.OnePlusDInverseMont, t, out s);
        return s.IsZeroMask() == 0;
    }

    public static bool Verify(ManagedPublicKey key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (!Sm2Der.TryDecode(signature, out var r, out var s))
        {
            return false;
        }

        var e = Digest(key.Za, message);
        Fn.Add(r, s, out var t);
        if (t.IsZeroMask() != 0)
        {
            return false;
        }

        VerificationG.MultiplyVartime(s, out var sg);
        JacobianPoint tq;
        if (key.Table is { } table)
        {
            table.MultiplyVartime(t, out tq);
        }
        else
        {
            VariableBase.MultiplyVartime(t, key.Q, out tq);
        }

        Curve.AddVartime(sg, tq, out var sum);
        return sum.IsInfinity ? false : XMatches(sum, r, e);
    }

    /// <summary>
    /// Whether (e + x₁) mod n = r for x₁ the affine x of <paramref name="point"/>, without inverting Z: x₁ ≡ r − e
    /// (mod n) with x₁ in [0, p) and n &lt; p means x₁ = v or x₁ = v + n (when that is below p), v = (r − e) mod n, and
    /// x₁ = X/Z² is tested as X = x₁·Z². Public inputs only (verification), so it may branch.
    /// </summary>
    internal static bool XMatches(in JacobianPoint point, in Fn r, in Fn e)
    {
        Fn.Sub(r, e, out var v);
        Fp.Square(point.Z, out var zz);
        Span<byte> bytes = stackalloc byte[32];
        v.ToBytes(bytes);
        Fp.TryFromBytes(bytes, out var candidate);
        Fp.Mul(candidate, zz, out var scaled);
        if (scaled.EqualMask(point.X) != 0)
        {
            return true;
        }

        // v + n < p only when v < p − n (about 2⁻¹²⁸ of signatures, but correct for all).
        if (v.L3 != 0 || v.L2 != 0 || v.L1 > PMinusN1 || (v.L1 == PMinusN1 && v.L0 >= PMinusN0))
        {
            return false;
        }

        var s0 = Limbs.Add(v.L0, Fn.N0, 0, out var c);
        var s1 = Limbs.Add(v.L1, Fn.N1, c, out c);
        var s2 = Limbs.Add(0, Fn.N2, c, out c);
        var s3 = Limbs.Add(0, Fn.N3, c, out _);
        BinaryPrimitives.WriteUInt64BigEndian(bytes, s3);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], s2);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], s1);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], s0);
        Fp.TryFromBytes(bytes, out candidate);
        Fp.Mul(candidate, zz, out scaled);
        return scaled.EqualMask(point.X) != 0;
    }

    /// <summary>p − n, whose two high limbs are zero (p and n share their top 128 bits).</summary>
    private const ulong PMinusN1 = 0x8DFC2093DE39FAD5;

    private const ulong PMinusN0 = 0xAC440BF6C62ABEDC;

    /// <summary>d·G for key generation and import (constant time; a degenerate scalar falls back to the public-input path).</summary>
    public static AffinePoint PublicPoint(ReadOnlySpan<byte> d32)
    {
        var d = Fn.FromBytesRaw(d32);
        G.MultiplyConstantTime(d, out var point, out var degenerate);
        if (degenerate != 0)
        {
            G.MultiplyVartime(d, out point);
        }

        Curve.ToAffine(point, out var affine);
        return affine;
    }

    /// <summary>Z_A = SM3(ENTL ‖ ID ‖ a ‖ b ‖ x_G ‖ y_G ‖ x_A ‖ y_A) for the given ID.</summary>
    public static void ComputeZa(ReadOnlySpan<byte> id, ReadOnlySpan<byte> x, ReadOnlySpan<byte> y, Span<byte> za)
    {
        var hasher = Sm3Hasher.Create();
        Span<byte> entl = [(byte)((id.Length * 8) >> 8), (byte)(id.Length * 8)];
        hasher.Append(entl);
        hasher.Append(id);
        hasher.Append(CurveA);
        hasher.Append(CurveB);
        hasher.Append(GeneratorX);
        hasher.Append(GeneratorY);
        hasher.Append(x);
        hasher.Append(y);
        hasher.Finish(za);
    }

    /// <summary>e = SM3(Z_A ‖ M) mod n.</summary>
    private static Fn Digest(ReadOnlySpan<byte> za, ReadOnlySpan<byte> message)
    {
        Span<byte> hash = stackalloc byte[32];
        var hasher = Sm3Hasher.Create();
        hasher.Append(za);
        hasher.Append(message);
        hasher.Finish(hash);
        return Fn.FromBytesReduced(hash);
    }

    private static ReadOnlySpan<byte> CurveA => [
        0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC];

    private static ReadOnlySpan<byte> CurveB => [
        0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E, 0x34, 0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7,
        0xF3, 0x97, 0x89, 0xF5, 0x15, 0xAB, 0x8F, 0x92, 0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93];

    private static ReadOnlySpan<byte> GeneratorX => [
        0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94,
        0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7];

    private static ReadOnlySpan<byte> GeneratorY => [
        0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C, 0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53,
        0xD0, 0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0];
}
