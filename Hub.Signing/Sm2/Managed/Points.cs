using System.Runtime.CompilerServices;

namespace Hub.Signing.Sm2.Managed;

/// <summary>A point in affine coordinates (Montgomery-form field elements); never the point at infinity.</summary>
internal struct AffinePoint
{
    public Fp X;
    public Fp Y;

    public AffinePoint(in Fp x, in Fp y)
    {
        X = x;
        Y = y;
    }
}

/// <summary>A point in Jacobian coordinates (X/Z², Y/Z³); Z = 0 is the point at infinity.</summary>
internal struct JacobianPoint
{
    public Fp X;
    public Fp Y;
    public Fp Z;

    public JacobianPoint(in Fp x, in Fp y, in Fp z)
    {
        X = x;
        Y = y;
        Z = z;
    }

    public static JacobianPoint Infinity => new(Fp.One, Fp.One, default);

    public static JacobianPoint FromAffine(in AffinePoint p) => new(p.X, p.Y, Fp.One);

    public readonly bool IsInfinity => Z.IsZeroMask() != 0;

    public static JacobianPoint Select(in JacobianPoint a, in JacobianPoint b, ulong mask) =>
        new(Fp.Select(a.X, b.X, mask), Fp.Select(a.Y, b.Y, mask), Fp.Select(a.Z, b.Z, mask));
}

/// <summary>
/// Group operations on sm2p256v1 (y² = x³ − 3x + b). The constant-time ones serve signing (secret nonces and keys);
/// the <c>Vartime</c> ones serve verification, where every input is public.
/// </summary>
internal static class Curve
{
    public static readonly Fp B = Parse("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93");

    public static readonly AffinePoint G = new(
        Parse("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"),
        Parse("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"));

    /// <summary>2P for a = −3 (dbl-2001-b: 3M + 5S). Infinity stays infinity.</summary>
    public static void Double(in JacobianPoint p, out JacobianPoint r)
    {
        Fp.Square(p.Z, out var delta);
        Fp.Square(p.Y, out var gamma);
        Fp.Mul(p.X, gamma, out var beta);
        Fp.Sub(p.X, delta, out var t0);
        Fp.Add(p.X, delta, out var t1);
        Fp.Mul(t0, t1, out var t2);
        Fp.Add(t2, t2, out var alpha);
        Fp.Add(alpha, t2, out alpha);                 // 3(X − δ)(X + δ)
        Fp.Add(p.Y, p.Z, out var yz);
        Fp.Square(yz, out var z3);
        Fp.Sub(z3, gamma, out z3);
        Fp.Sub(z3, delta, out z3);
        Fp.Add(beta, beta, out var beta2);
        Fp.Add(beta2, beta2, out var beta4);
        Fp.Add(beta4, beta4, out var beta8);
        Fp.Square(alpha, out var x3);
        Fp.Sub(x3, beta8, out x3);
        Fp.Sub(beta4, x3, out var t3);
        Fp.Mul(alpha, t3, out var y3);
        Fp.Square(gamma, out var gamma2);
        Fp.Add(gamma2, gamma2, out var g2);
        Fp.Add(g2, g2, out var g4);
        Fp.Add(g4, g4, out var g8);
        Fp.Sub(y3, g8, out y3);
        r = new JacobianPoint(x3, y3, z3);
    }

    /// <summary>
    /// P + Q with Q affine (madd-2007-bl: 7M + 4S), branch-free. It is wrong when P is infinity or P = Q; the caller
    /// handles infinity by selection, and <paramref name="doubling"/> comes back all ones when P = Q.
    /// </summary>
    public static void AddMixed(in JacobianPoint p, in AffinePoint q, out JacobianPoint r, out ulong doubling)
    {
        Fp.Square(p.Z, out var z1z1);
        Fp.Mul(q.X, z1z1, out var u2);
        Fp.Mul(p.Z, z1z1, out var t0);
        Fp.Mul(q.Y, t0, out var s2);
        Fp.Sub(u2, p.X, out var h);
        Fp.Sub(s2, p.Y, out var rr);
        doubling = h.IsZeroMask() & rr.IsZeroMask();
        Fp.Square(h, out var hh);
        Fp.Add(hh, hh, out var i);
        Fp.Add(i, i, out i);
        Fp.Mul(h, i, out var j);
        Fp.Add(rr, rr, out rr);
        Fp.Mul(p.X, i, out var v);
        Fp.Square(rr, out var x3);
        Fp.Sub(x3, j, out x3);
        Fp.Sub(x3, v, out x3);
        Fp.Sub(x3, v, out x3);
        Fp.Sub(v, x3, out var t1);
        Fp.Mul(rr, t1, out var y3);
        Fp.Mul(p.Y, j, out var t2);
        Fp.Add(t2, t2, out t2);
        Fp.Sub(y3, t2, out y3);
        Fp.Add(p.Z, h, out var z3);
        Fp.Square(z3, out z3);
        Fp.Sub(z3, z1z1, out z3);
        Fp.Sub(z3, hh, out z3);
        r = new JacobianPoint(x3, y3, z3);
    }

    /// <summary>P + Q, both Jacobian, for public inputs: infinity and P = ±Q handled by branching.</summary>
    public static void AddVartime(in JacobianPoint p, in JacobianPoint q, out JacobianPoint r)
    {
        if (p.IsInfinity)
        {
            r = q;
            return;
        }

        if (q.IsInfinity)
        {
            r = p;
            return;
        }

        Fp.Square(p.Z, out var z1z1);
        Fp.Square(q.Z, out var z2z2);
        Fp.Mul(p.X, z2z2, out var u1);
        Fp.Mul(q.X, z1z1, out var u2);
        Fp.Mul(q.Z, z2z2, out var t0);
        Fp.Mul(p.Y, t0, out var s1);
        Fp.Mul(p.Z, z1z1, out var t1);
        Fp.Mul(q.Y, t1, out var s2);
        Fp.Sub(u2, u1, out var h);
        Fp.Sub(s2, s1, out var rr);
        if (h.IsZeroMask() != 0)
        {
            if (rr.IsZeroMask() != 0)
            {
                Double(p, out r);
            }
            else
            {
                r = JacobianPoint.Infinity;
            }

            return;
        }

        Fp.Square(h, out var hh);
        Fp.Mul(h, hh, out var hhh);
        Fp.Mul(u1, hh, out var v);
        Fp.Square(rr, out var x3);
        Fp.Sub(x3, hhh, out x3);
        Fp.Sub(x3, v, out x3);
        Fp.Sub(x3, v, out x3);
        Fp.Sub(v, x3, out var t2);
        Fp.Mul(rr, t2, out var y3);
        Fp.Mul(s1, hhh, out var t3);
        Fp.Sub(y3, t3, out y3);
        Fp.Mul(p.Z, q.Z, out var z3);
        Fp.Mul(z3, h, out z3);
        r = new JacobianPoint(x3, y3, z3);
    }

    /// <summary>P + Q with Q affine, for public inputs (branches on infinity and doubling).</summary>
    public static void AddMixedVartime(in JacobianPoint p, in AffinePoint q, out JacobianPoint r)
    {
        if (p.IsInfinity)
        {
            r = JacobianPoint.FromAffine(q);
            return;
        }

        AddMixed(p, q, out r, out var doubling);
        if (doubling != 0)
        {
            Double(p, out r);
        }
    }

    /// <summary>The affine point (constant-time inversion); false for infinity.</summary>
    public static bool ToAffine(in JacobianPoint p, out AffinePoint a)
    {
        Fp.Invert(p.Z, out var zInv);
        Fp.Square(zInv, out var zInv2);
        Fp.Mul(zInv2, zInv, out var zInv3);
        Fp.Mul(p.X, zInv2, out var x);
        Fp.Mul(p.Y, zInv3, out var y);
        a = new AffinePoint(x, y);
        return p.Z.IsZeroMask() == 0;
    }

    /// <summary>y² = x³ − 3x + b.</summary>
    public static bool IsOnCurve(in AffinePoint p)
    {
        Fp.Square(p.Y, out var y2);
        Fp.Square(p.X, out var x2);
        Fp.Mul(x2, p.X, out var x3);
        Fp.Add(p.X, p.X, out var threeX);
        Fp.Add(threeX, p.X, out threeX);
        Fp.Sub(x3, threeX, out var rhs);
        Fp.Add(rhs, B, out rhs);
        return y2.EqualMask(rhs) != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static AffinePoint NegateIf(in AffinePoint p, ulong mask)
    {
        Fp.Negate(p.Y, out var negY);
        return new AffinePoint(p.X, Fp.Select(p.Y, negY, mask));
    }

    private static Fp Parse(string hex) =>
        Fp.TryFromBytes(Convert.FromHexString(hex), out var value) ? value : throw new InvalidOperationException("curve constant ≥ p");
}
