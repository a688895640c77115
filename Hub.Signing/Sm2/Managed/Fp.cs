using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Hub.Signing.Sm2.Managed;

/// <summary>
/// An element of the SM2 prime field, p = 2²⁵⁶ − 2²²⁴ − 2⁹⁶ + 2⁶⁴ − 1, in Montgomery form (a·2²⁵⁶ mod p) on four
/// little-endian 64-bit limbs. Because p ≡ −1 (mod 2⁶⁴), the Montgomery factor −p⁻¹ mod 2⁶⁴ is 1 and each reduction
/// step needs no extra multiply. Every operation is constant-time: no branch or index depends on a value.
/// </summary>
internal struct Fp
{
    public ulong L0;
    public ulong L1;
    public ulong L2;
    public ulong L3;

    public const ulong P0 = 0xFFFFFFFFFFFFFFFF;
    public const ulong P1 = 0xFFFFFFFF00000000;
    public const ulong P2 = 0xFFFFFFFFFFFFFFFF;
    public const ulong P3 = 0xFFFFFFFEFFFFFFFF;

    /// <summary>2⁵¹² mod p: multiplying by it enters Montgomery form.</summary>
    private static readonly Fp R2 = FromLimbsRaw(0x0000000200000003, 0x00000002FFFFFFFF, 0x0000000100000001, 0x0000000400000002);

    /// <summary>1 in Montgomery form (2²⁵⁶ mod p).</summary>
    public static readonly Fp One = FromLimbsRaw(0x0000000000000001, 0x00000000FFFFFFFF, 0x0000000000000000, 0x0000000100000000);

    public Fp(ulong l0, ulong l1, ulong l2, ulong l3)
    {
        L0 = l0;
        L1 = l1;
        L2 = l2;
        L3 = l3;
    }

    /// <summary>Limbs taken as they are (already in Montgomery form).</summary>
    public static Fp FromLimbsRaw(ulong l0, ulong l1, ulong l2, ulong l3) => new(l0, l1, l2, l3);

    /// <summary>Reads 32 big-endian bytes; false (and nothing usable) when the value is not below p.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out Fp result)
    {
        var raw = new Fp(
            BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes));
        Limbs.Sub(raw.L0, P0, 0, out var b);
        Limbs.Sub(raw.L1, P1, b, out b);
        Limbs.Sub(raw.L2, P2, b, out b);
        Limbs.Sub(raw.L3, P3, b, out b);
        Mul(raw, R2, out result);
        return b == 1;
    }

    /// <summary>The value (out of Montgomery form) as 32 big-endian bytes.</summary>
    public readonly void ToBytes(Span<byte> bytes)
    {
        Mul(this, new Fp(1, 0, 0, 0), out var plain);
        BinaryPrimitives.WriteUInt64BigEndian(bytes, plain.L3);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], plain.L2);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], plain.L1);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], plain.L0);
    }

    /// <summary>All ones when zero.</summary>
    public readonly ulong IsZeroMask() => Limbs.IsZeroMask(L0 | L1 | L2 | L3);

    public readonly ulong EqualMask(in Fp other) =>
        Limbs.IsZeroMask((L0 ^ other.L0) | (L1 ^ other.L1) | (L2 ^ other.L2) | (L3 ^ other.L3));

    /// <summary><paramref name="a"/> where mask is zero, <paramref name="b"/> where it is all ones.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Fp Select(in Fp a, in Fp b, ulong mask) => new(
        a.L0 ^ (mask & (a.L0 ^ b.L0)),
        a.L1 ^ (mask & (a.L1 ^ b.L1)),
        a.L2 ^ (mask & (a.L2 ^ b.L2)),
        a.L3 ^ (mask & (a.L3 ^ b.L3)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(in Fp a, in Fp b, out Fp r)
    {
        var s0 = Limbs.Add(a.L0, b.L0, 0, out var c);
        var s1 = Limbs.Add(a.L1, b.L1, c, out c);
        var s2 = Limbs.Add(a.L2, b.L2, c, out c);
        var s3 = Limbs.Add(a.L3, b.L3, c, out var carry);
        ReduceOnce(s0, s1, s2, s3, carry, out r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sub(in Fp a, in Fp b, out Fp r)
    {
        var d0 = Limbs.Sub(a.L0, b.L0, 0, out var borrow);
        var d1 = Limbs.Sub(a.L1, b.L1, borrow, out borrow);
        var d2 = Limbs.Sub(a.L2, b.L2, borrow, out borrow);
        var d3 = Limbs.Sub(a.L3, b.L3, borrow, out borrow);
        var mask = Limbs.Mask(borrow);
        d0 = Limbs.Add(d0, P0 & mask, 0, out var c);
        d1 = Limbs.Add(d1, P1 & mask, c, out c);
        d2 = Limbs.Add(d2, P2 & mask, c, out c);
        d3 = Limbs.Add(d3, P3 & mask, c, out _);
        r = new Fp(d0, d1, d2, d3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Negate(in Fp a, out Fp r) => Sub(default, a, out r);

    /// <summary>
    /// Montgomery product a·b·2⁻²⁵⁶ mod p (CIOS). With −p⁻¹ mod 2⁶⁴ = 1 the reduction factor m is the low limb itself,
    /// and since the low limb of p is 2⁶⁴ − 1, m·p₀ + t₀ = m·2⁶⁴: its carry is m, with no multiply.
    /// </summary>
    public static void Mul(in Fp a, in Fp b, out Fp r)
    {
        ulong t0, t1, t2, t3, t4, c, m, hi;

        // i = 0: t = a·b₀ (nothing to add yet).
        hi = Math.BigMul(a.L0, b.L0, out t0);
        hi = MulAddCarry(a.L1, b.L0, hi, out t1);
        hi = MulAddCarry(a.L2, b.L0, hi, out t2);
        t4 = MulAddCarry(a.L3, b.L0, hi, out t3);
        m = t0;
        c = Limbs.MulAdd(m, P1, t1, m, out t0);
        c = Limbs.MulAdd(m, P2, t2, c, out t1);
        c = Limbs.MulAdd(m, P3, t3, c, out t2);
        t3 = Limbs.Add(t4, c, 0, out t4);

        Round(a, b.L1, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b.L2, ref t0, ref t1, ref t2, ref t3, ref t4);
        Round(a, b.L3, ref t0, ref t1, ref t2, ref t3, ref t4);
        ReduceOnce(t0, t1, t2, t3, t4, out r);
    }

    /// <summary>a². A dedicated squaring (six cross products doubled) measured no faster here than this.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Square(in Fp a, out Fp r) => Mul(a, a, out r);

    /// <summary>a⁻¹ = a^(p−2) by a fixed addition chain (256 squarings, 15 multiplications); 0 maps to 0.</summary>
    public static void Invert(in Fp a, out Fp r)
    {
        Square(a, out var x2);
        Mul(x2, a, out x2);                  // 2 ones
        Square(x2, out var x3);
        Mul(x3, a, out x3);                  // 3
        SquareTimes(x3, 3, out var x6);
        Mul(x6, x3, out x6);                 // 6
        SquareTimes(x6, 6, out var x12);
        Mul(x12, x6, out x12);               // 12
        SquareTimes(x12, 3, out var x15);
        Mul(x15, x3, out x15);               // 15
        SquareTimes(x15, 15, out var x30);
        Mul(x30, x15, out x30);              // 30
        Square(x30, out var x31);
        Mul(x31, a, out x31);                // 31
        Square(x31, out var x32);
        Mul(x32, a, out x32);                // 32

        // p − 2 = 1{31} 0 1{128} 0{32} 1{32} 1{30} 0 1
        Square(x31, out var t);              // bit 224 is 0
        for (var i = 0; i < 4; i++)
        {
            SquareTimes(t, 32, out t);
            Mul(t, x32, out t);
        }

        SquareTimes(t, 32, out t);           // 32 zero bits
        SquareTimes(t, 32, out t);
        Mul(t, x32, out t);
        SquareTimes(t, 30, out t);
        Mul(t, x30, out t);
        SquareTimes(t, 2, out t);
        Mul(t, a, out r);
    }

    private static void SquareTimes(in Fp a, int times, out Fp r)
    {
        // Two temporaries in turn: squaring a value into itself would pin it to memory.
        var x = a;
        Fp y;
        for (var i = 0; i + 1 < times; i += 2)
        {
            Square(x, out y);
            Square(y, out x);
        }

        if ((times & 1) == 1)
        {
            Square(x, out y);
            x = y;
        }

        r = x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(in Fp a, ulong bi, ref ulong t0, ref ulong t1, ref ulong t2, ref ulong t3, ref ulong t4)
    {
        var hi = Limbs.MulAdd(a.L0, bi, t0, 0, out t0);
        hi = Limbs.MulAdd(a.L1, bi, t1, hi, out t1);
        hi = Limbs.MulAdd(a.L2, bi, t2, hi, out t2);
        hi = Limbs.MulAdd(a.L3, bi, t3, hi, out t3);
        t4 = Limbs.Add(t4, hi, 0, out var t5);

        var m = t0;
        var c = Limbs.MulAdd(m, P1, t1, m, out t0);
        c = Limbs.MulAdd(m, P2, t2, c, out t1);
        c = Limbs.MulAdd(m, P3, t3, c, out t2);
        t3 = Limbs.Add(t4, c, 0, out var c2);
        t4 = t5 + c2;
    }

    /// <summary>a·b + carry as (hi, lo).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulAddCarry(ulong a, ulong b, ulong carry, out ulong lo)
    {
        var hi = Math.BigMul(a, b, out var l);
        l += carry;
        lo = l;
        return hi + (l < carry ? 1UL : 0UL);
    }

    /// <summary>(t, top) − p when that does not go negative, else t: maps [0, 2p) to [0, p).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReduceOnce(ulong t0, ulong t1, ulong t2, ulong t3, ulong top, out Fp r)
    {
        var s0 = Limbs.Sub(t0, P0, 0, out var borrow);
        var s1 = Limbs.Sub(t1, P1, borrow, out borrow);
        var s2 = Limbs.Sub(t2, P2, borrow, out borrow);
        var s3 = Limbs.Sub(t3, P3, borrow, out borrow);
        Limbs.Sub(top, 0, borrow, out borrow);
        var keep = Limbs.Mask(borrow); // t < p: keep t
        r = new Fp(
            s0 ^ (keep & (s0 ^ t0)),
            s1 ^ (keep & (s1 ^ t1)),
            s2 ^ (keep & (s2 ^ t2)),
            s3 ^ (keep & (s3 ^ t3)));
    }
}
