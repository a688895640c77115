using System.Runtime.CompilerServices;

namespace Hub.Signing.Sm2.Managed;

/// <summary>
/// Branch-free multi-precision helpers on 64-bit limbs. Carries and borrows are computed with comparisons that the JIT
/// turns into flag moves (<c>setb</c>), never into jumps, so their timing does not depend on the values — the timing
/// test (<c>Hub.Benchmarks -- ct-check</c>, docs/sm2-engine.md) checks that this still holds. The textbook bitwise
/// carry formulas are equally branch-free by construction but measured 30 % slower here.
/// </summary>
internal static class Limbs
{
    /// <summary>a + b + carry; the new carry (0 or 1) goes out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Add(ulong a, ulong b, ulong carry, out ulong carryOut)
    {
        var sum = a + b;
        var c1 = sum < a ? 1UL : 0UL;
        var result = sum + carry;
        var c2 = result < sum ? 1UL : 0UL;
        carryOut = c1 | c2;
        return result;
    }

    /// <summary>a - b - borrow; the new borrow (0 or 1) goes out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Sub(ulong a, ulong b, ulong borrow, out ulong borrowOut)
    {
        var diff = a - b;
        var b1 = a < b ? 1UL : 0UL;
        var result = diff - borrow;
        var b2 = diff < borrow ? 1UL : 0UL;
        borrowOut = b1 | b2;
        return result;
    }

    /// <summary>a·b + c + carry as (hi, lo); cannot overflow 128 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong MulAdd(ulong a, ulong b, ulong c, ulong carry, out ulong lo)
    {
        var hi = Math.BigMul(a, b, out var l);
        l += c;
        hi += l < c ? 1UL : 0UL;
        l += carry;
        hi += l < carry ? 1UL : 0UL;
        lo = l;
        return hi;
    }

    /// <summary>All ones when <paramref name="bit"/> is 1, zero when 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mask(ulong bit) => 0UL - bit;

    /// <summary>All ones when <paramref name="x"/> is zero, else zero — without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong IsZeroMask(ulong x) => Mask(((x | (0UL - x)) >> 63) ^ 1UL);

    /// <summary>All ones when a == b (small integers), else zero — without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong EqualMask(ulong a, ulong b) => IsZeroMask(a ^ b);
}
