using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hub.Signing.Sm2.Managed;

/// <summary>
/// Precomputed multiples of one point P for k·P without doublings: for each w-bit window i, the affine points
/// j·2^(w·i)·P for j = 1…2^(w−1). With the scalar recoded into signed digits in [−2^(w−1), 2^(w−1)] (Booth), k·P is
/// ⌈257/w⌉ mixed additions. <see cref="MultiplyConstantTime"/> reads every entry of a window (no secret-dependent
/// index) and always adds; <see cref="MultiplyVartime"/> skips zero digits and reads one entry, for public scalars.
/// </summary>
internal sealed class FixedBaseTable
{
    /// <summary>
    /// Signing's width: 7 bits (37 windows of 64 entries, 176 KB). Its constant-time lookup reads a whole window, so a
    /// wider one costs more in reads than it saves in additions; 7 measured faster than 6 (43 windows of 32).
    /// </summary>
    public const int SigningWidth = 7;

    /// <summary>
    /// Verification's width: 10 bits (26 windows of 512 entries, 832 KB a point). Verification reads one entry a
    /// window, so only the additions count: 26 instead of 37 made the two multiplications of an own-key verification
    /// 29 % faster; 11 and 12 bits (1.5 and 2.8 MB) gained under 5 % more.
    /// </summary>
    public const int VerificationWidth = 10;

    private readonly AffinePoint[] _points;

    /// <summary>Bits per window.</summary>
    public int Width { get; }

    /// <summary>Entries per window: the multiples 1…2^(Width−1).</summary>
    public int PerWindow { get; }

    /// <summary>Enough windows for a 257-bit signed recoding of any scalar below n.</summary>
    public int Windows { get; }

    /// <summary>The table's size in memory.</summary>
    public long Bytes => (long)_points.Length * Unsafe.SizeOf<AffinePoint>();

    public FixedBaseTable(in AffinePoint p, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 12);
        Width = width;
        PerWindow = 1 << (width - 1);
        Windows = (257 + width - 1) / width;
        _points = new AffinePoint[Windows * PerWindow];
        var jacobian = new JacobianPoint[Windows * PerWindow];
        var windowBase = JacobianPoint.FromAffine(p);
        for (var i = 0; i < Windows; i++)
        {
            var row = i * PerWindow;
            jacobian[row] = windowBase;
            Curve.Double(windowBase, out jacobian[row + 1]);
            for (var j = 2; j < PerWindow; j++)
            {
                Curve.AddVartime(jacobian[row + j - 1], windowBase, out jacobian[row + j]);
            }

            // 2^Width · base: the next window's base.
            Curve.Double(jacobian[row + PerWindow - 1], out windowBase);
        }

        BatchToAffine(jacobian, _points);
    }

    /// <summary>k·P in constant time. <paramref name="degenerate"/> is all ones in the (negligible) case the formulas cannot handle.</summary>
    public void MultiplyConstantTime(in Fn k, out JacobianPoint result, out ulong degenerate)
    {
        var acc = JacobianPoint.Infinity;
        var started = 0UL;          // all ones once acc holds a real point
        degenerate = 0;
        for (var i = 0; i < Windows; i++)
        {
            var (digit, negative) = Booth(Window(k, i));
            var entry = Lookup(i, digit);
            entry = Curve.NegateIf(entry, Limbs.Mask(negative));
            Curve.AddMixed(acc, entry, out var sum, out var doubling);
            var nonZero = ~Limbs.IsZeroMask(digit);
            degenerate |= doubling & nonZero & started;
            var fresh = JacobianPoint.FromAffine(entry);
            var next = JacobianPoint.Select(fresh, sum, started);       // first real digit: the entry itself
            acc = JacobianPoint.Select(acc, next, nonZero);             // zero digit: unchanged
            started |= nonZero;
        }

        // The sum of earlier windows can only equal ±(this window's term) for a handful of scalars; a sum that
        // reached infinity midway is caught the same way.
        degenerate |= acc.Z.IsZeroMask() & started;
        result = acc;
    }

    /// <summary>k·P for a public scalar.</summary>
    public void MultiplyVartime(in Fn k, out JacobianPoint result)
    {
        var acc = JacobianPoint.Infinity;
        for (var i = 0; i < Windows; i++)
        {
            var (digit, negative) = Booth(Window(k, i));
            if (digit == 0)
            {
                continue;
            }

            var entry = _points[(i * PerWindow) + (int)digit - 1];
            if (negative != 0)
            {
                entry = Curve.NegateIf(entry, ulong.MaxValue);
            }

            Curve.AddMixedVartime(acc, entry, out acc);
        }

        result = acc;
    }

    /// <summary>Width + 1 bits of k from bit Width·i − 1 (bit −1 is 0): one Booth window.</summary>
    private ulong Window(in Fn k, int i)
    {
        var start = (Width * i) - 1;
        var value = 0UL;
        for (var b = 0; b <= Width; b++)
        {
            var index = start + b;
            value |= (index < 0 ? 0 : k.Bit(index)) << b;
        }

        return value;
    }

    /// <summary>A (Width + 1)-bit window as a signed digit: (|d| in 0…2^(Width−1), 1 when negative), branch-free.</summary>
    private (ulong Digit, ulong Negative) Booth(ulong window)
    {
        var sign = ~((window >> Width) - 1);    // all ones when the top bit is set
        var d = (1UL << (Width + 1)) - window - 1;
        d = (d & sign) | (window & ~sign);
        d = (d >> 1) + (d & 1);
        return (d, sign & 1);
    }

    /// <summary>
    /// Entry |digit| of window i by reading all of the window and keeping the one whose mask is set (zero digit: all zeros, unused).
    /// Each entry is 64 bytes: two 256-bit vectors when the hardware has them.
    /// </summary>
    private AffinePoint Lookup(int window, ulong digit)
    {
        var row = window * PerWindow;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var first = ref Unsafe.As<AffinePoint, ulong>(ref _points[row]);
            var low = Vector256<ulong>.Zero;
            var high = Vector256<ulong>.Zero;
            for (var j = 0; j < PerWindow; j++)
            {
                var mask = Vector256.Create(Limbs.EqualMask((ulong)j + 1, digit));
                low |= Vector256.LoadUnsafe(ref first, (nuint)(j * 8)) & mask;
                high |= Vector256.LoadUnsafe(ref first, (nuint)((j * 8) + 4)) & mask;
            }

            var picked = default(AffinePoint);
            ref var target = ref Unsafe.As<AffinePoint, ulong>(ref picked);
            low.StoreUnsafe(ref target);
            high.StoreUnsafe(ref target, 4);
            return picked;
        }

        var result = default(AffinePoint);
        for (var j = 0; j < PerWindow; j++)
        {
            var mask = Limbs.EqualMask((ulong)j + 1, digit);
            ref readonly var candidate = ref _points[row + j];
            result.X = new Fp(result.X.L0 | (candidate.X.L0 & mask), result.X.L1 | (candidate.X.L1 & mask), result.X.L2 | (candidate.X.L2 & mask), result.X.L3 | (candidate.X.L3 & mask));
            result.Y = new Fp(result.Y.L0 | (candidate.Y.L0 & mask), result.Y.L1 | (candidate.Y.L1 & mask), result.Y.L2 | (candidate.Y.L2 & mask), result.Y.L3 | (candidate.Y.L3 & mask));
        }

        return result;
    }

    /// <summary>Montgomery's trick: one inversion for the whole table.</summary>
    private static void BatchToAffine(JacobianPoint[] points, AffinePoint[] affine)
    {
        var prefix = new Fp[points.Length];
        var running = Fp.One;
        for (var i = 0; i < points.Length; i++)
        {
            prefix[i] = running;
            Fp.Mul(running, points[i].Z, out running);
        }

        Fp.Invert(running, out var inverse);
        for (var i = points.Length - 1; i >= 0; i--)
        {
            Fp.Mul(inverse, prefix[i], out var zInv);
            Fp.Mul(inverse, points[i].Z, out inverse);
            Fp.Square(zInv, out var zInv2);
            Fp.Mul(zInv2, zInv, out var zInv3);
            Fp.Mul(points[i].X, zInv2, out var x);
            Fp.Mul(points[i].Y, zInv3, out var y);
            affine[i] = new AffinePoint(x, y);
        }
    }
}
