using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Hub.Signing.Sm2.Managed;

/// <summary>
/// A scalar modulo the SM2 group order n, on four little-endian 64-bit limbs. Values are plain (not Montgomery)
/// except where a method says so; <see cref="MontMul"/> computes a·b·2⁻²⁵⁶ mod n. Constant-time throughout.
/// Add, Sub and ReduceOnce mirror <see cref="Fp"/>'s with n's limbs written in: one helper taking the modulus as
/// arguments (tuples or out parameters) measured 2–10 % slower for signing and verifying.
/// </summary>
internal struct Fn
{
    public ulong L0;
    public ulong L1;
    public ulong L2;
    public ulong L3;

    public const ulong N0 = 0x53BBF40939D54123;
    public const ulong N1 = 0x7203DF6B21C6052B;
    public const ulong N2 = 0xFFFFFFFFFFFFFFFF;
    public const ulong N3 = 0xFFFFFFFEFFFFFFFF;

    /// <summary>−n⁻¹ mod 2⁶⁴.</summary>
    private const ulong NPrime = 0x327F9E8872350975;

    /// <summary>2⁵¹² mod n.</summary>
    public static readonly Fn R2 = new(0x901192AF7C114F20, 0x3464504ADE6FA2FA, 0x620FC84C3AFFE0D4, 0x1EB5E412A22B3D3B);

    public Fn(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        L0 = l0;
        L1 = l1;
        L2 = l2;
        L3 = l3;
    }

    public static Fn One => new(1, 0, 0, 0);

    /// <summary>32 big-endian bytes as they are (may be ≥ n).</summary>
    public static Fn FromBytesRaw(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt64BigEndian(bytes));

    /// <summary>32 big-endian bytes reduced mod n (any 256-bit value is below 2n, so one subtraction does).</summary>
    public static Fn FromBytesReduced(ReadOnlySpan<byte> bytes)
    {
        var raw = FromBytesRaw(bytes);
        ReduceOnce(raw.L0, raw.L1, raw.L2, raw.L3, 0, out var r);
        return r;
    }

    public readonly void ToBytes(Span<byte> bytes)
    {
        BinaryPrimitives.WriteUInt64BigEndian(bytes, L3);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], L2);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], L1);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], L0);
    }

    /// <summary>All ones when 0 &lt; value &lt; n.</summary>
    public readonly ulong InRangeMask()
    {
        Limbs.Sub(L0, N0, 0, out var b);
        Limbs.Sub(L1, N1, b, out b);
        Limbs.Sub(L2, N2, b, out b);
        Limbs.Sub(L3, N3, b, out b);
        return Limbs.Mask(b) & ~IsZeroMask();
    }

    public readonly ulong IsZeroMask() => Limbs.IsZeroMask(L0 | L1 | L2 | L3);

    public readonly bool Equals(in Fn other) => ((L0 ^ other.L0) | (L1 ^ other.L1) | (L2 ^ other.L2) | (L3 ^ other.L3)) == 0;

    /// <summary>Bit <paramref name="index"/> (0 = least significant) as 0 or 1; beyond 255 it is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ulong Bit(int index) => index >= 256 ? 0 : ((index >> 6) switch
    {
        0 => L0,
        1 => L1,
        2 => L2,
        _ => L3,
    } >> (index & 63)) & 1;

    public static void Add(in Fn a, in Fn b, out Fn r)
    {
        var s0 = Limbs.Add(a.L0, b.L0, 0, out var c);
        var s1 = Limbs.Add(a.L1, b.L1, c, out c);
        var s2 = Limbs.Add(a.L2, b.L2, c, out c);
        var s3 = Limbs.Add(a.L3, b.L3, c, out var carry);
        ReduceOnce(s0, s1, s2, s3, carry, out r);
    }

    public static void Sub(in Fn a, in Fn b, out Fn r)
    {
        var d0 = Limbs.Sub(a.L0, b.L0, 0, out var borrow);
        var d1 = Limbs.Sub(a.L1, b.L1, borrow, out borrow);
        var d2 = Limbs.Sub(a.L2, b.L2, borrow, out borrow);
        var d3 = Limbs.Sub(a.L3, b.L3, borrow, out borrow);
        var mask = Limbs.Mask(borrow);
        d0 = Limbs.Add(d0, N0 & mask, 0, out var c);
        d1 = Limbs.Add(d1, N1 & mask, c, out c);
        d2 = Limbs.Add(d2, N2 & mask, c, out c);
        d3 = Limbs.Add(d3, N3 & mask, c, out _);
        r = new Fn(d0, d1, d2, d3);
    }

    /// <summary>a·b·2⁻²⁵⁶ mod n (CIOS). With one factor in Montgomery form the product is plain.</summary>
    public static void MontMul(in Fn a, in Fn b, out Fn r)
    {
        ulong t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0;
        Round(a, b.L0, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b.L1, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b.L2, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b.L3, ref t0, ref t1, ref t2, ref t3, ref t4);
        ReduceOnce(t0, t1, t2, t3, t4, out r);
    }

    /// <summary>a·b mod n for plain a and b.</summary>
    public static void Mul(in Fn a, in Fn b, out Fn r)
    {
        MontMul(a, R2, out var aMont);
        MontMul(aMont, b, out r);
    }

    /// <summary>a⁻¹ mod n = a^(n−2), in constant time (the exponent is public); 0 maps to 0.</summary>
    public static void Invert(in Fn a, out Fn r)
    {
        MontMul(a, R2, out var baseMont);
        MontMul(One, R2, out var acc);      // 1 in Montgomery form
        // n − 2, most significant bit first.
        ReadOnlySpan<ulong> exponent = [N3, N2, N1, N0 - 2];
        foreach (var limb in exponent)
        {
            for (var bit = 63; bit >= 0; bit--)
            {
                MontMul(acc, acc, out acc);
                if (((limb >> bit) & 1) == 1)
                {
                    MontMul(acc, baseMont, out acc);
                }
            }
        }

        MontMul(acc, One, out r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(in Fn a, ulong bi, ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3, ref ulong t4)
    {
        var hi = Limbs.MulAdd(a.L0, bi, t0, 0, out t0);
        hi = Limbs.MulAdd(a.L1, bi, t1, hi, out t1);
        hi = Limbs.MulAdd(a.L2, bi, t2, hi, out t2);
        hi = Limbs.MulAdd(a.L3, bi, t3, hi, out t3);
        t4 = Limbs.Add(t4, hi, 0, out var t5);

        var m = t0 * NPrime;
        var c = Limbs.MulAdd(m, N0, t0, 0, out _);
        c = Limbs.MulAdd(m, N1, t1, c, out t0);
        c = Limbs.MulAdd(m, N2, t2, c, out t1);
        c = Limbs.MulAdd(m, N3, t3, c, out t2);
        t3 = Limbs.Add(t4, c, 0, out var c2);
        t4 = t5 + c2;
    }

    private static void ReduceOnce(ulong t0, ulong t1, ulong t2, ulong t3, ulong top, out Fn r)
    {
        var s0 = Limbs.Sub(t0, N0, 0, out var borrow);
        var s1 = Limbs.Sub(t1, N1, borrow, out borrow);
        var s2 = Limbs.Sub(t2, N2, borrow, out borrow);
        var s3 = Limbs.Sub(t3, N3, borrow, out borrow);
        Limbs.Sub(top, 0, borrow, out borrow);
        var keep = Limbs.Mask(borrow);
        r = new Fn(
            s0 ^ (keep & (s0 ^ t0)),
            s1 ^ (keep & (s1 ^ t1)),
            s2 ^ (keep & (s2 ^ t2)),
            s3 ^ (keep & (s3 ^ t3)));
    }
}
