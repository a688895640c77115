namespace Hub.Signing.Sm2.Managed;

/// <summary>k·P for a public scalar and any point: width-5 NAF over the odd multiples P, 3P, …, 15P.</summary>
internal static class VariableBase
{
    private const int Width = 5;
    private const int Multiples = 1 << (Width - 2);

    public static void MultiplyVartime(in Fn k, in AffinePoint p, out JacobianPoint result)
    {
        Span<sbyte> naf = stackalloc sbyte[258];
        var length = Recode(k, naf);

        Span<JacobianPoint> odd = stackalloc JacobianPoint[Multiples];
        odd[0] = JacobianPoint.FromAffine(p);
        Curve.Double(odd[0], out var twice);
        for (var i = 1; i < Multiples; i++)
        {
            Curve.AddVartime(odd[i - 1], twice, out odd[i]);
        }

        var acc = JacobianPoint.Infinity;
        for (var i = length - 1; i >= 0; i--)
        {
            Curve.Double(acc, out acc);
            var digit = naf[i];
            if (digit > 0)
            {
                Curve.AddVartime(acc, odd[digit >> 1], out acc);
            }
            else if (digit < 0)
            {
                var negated = odd[-digit >> 1];
                Fp.Negate(negated.Y, out negated.Y);
                Curve.AddVartime(acc, negated, out acc);
            }
        }

        result = acc;
    }

    /// <summary>The width-5 NAF digits of k, least significant first; returns how many.</summary>
    private static int Recode(in Fn k, Span<sbyte> naf)
    {
        Span<ulong> value = [k.L0, k.L1, k.L2, k.L3, 0];
        var length = 0;
        while ((value[0] | value[1] | value[2] | value[3] | value[4]) != 0)
        {
            sbyte digit = 0;
            if ((value[0] & 1) == 1)
            {
                var low = (int)(value[0] & ((1 << Width) - 1));
                digit = (sbyte)(low >= 1 << (Width - 1) ? low - (1 << Width) : low);
                if (digit > 0)
                {
                    SubtractSmall(value, (ulong)digit);
                }
                else
                {
                    AddSmall(value, (ulong)(-digit));
                }
            }

            naf[length++] = digit;
            for (var i = 0; i < 4; i++)
            {
                value[i] = (value[i] >> 1) | (value[i + 1] << 63);
            }

            value[4] >>= 1;
        }

        return length;
    }

    private static void SubtractSmall(Span<ulong> value, ulong amount)
    {
        var borrow = amount;
        for (var i = 0; i < value.Length && borrow != 0; i++)
        {
            var before = value[i];
            value[i] = before - borrow;
            borrow = before < borrow ? 1UL : 0UL;
        }
    }

    private static void AddSmall(Span<ulong> value, ulong amount)
    {
        var carry = amount;
        for (var i = 0; i < value.Length && carry != 0; i++)
        {
            var sum = value[i] + carry;
            carry = sum < carry ? 1UL : 0UL;
            value[i] = sum;
        }
    }
}
