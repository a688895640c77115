using System.Numerics;
using System.Security.Cryptography;
using Hub.Signing.Sm2.Managed;

namespace Hub.Tests.Signing;

/// <summary>
/// Fixed-base tables of every width the engine uses give the same k·P as the variable-base NAF (which shares no code
/// with them): signing's 7-bit windows and verification's 10-bit ones, for scalars at the windows' edges and at random.
/// </summary>
public sealed class FixedBaseTableTests
{
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    public static TheoryData<int> Widths => [FixedBaseTable.SigningWidth, FixedBaseTable.VerificationWidth];

    [Theory]
    [MemberData(nameof(Widths))]
    public void EveryWidth_GivesTheSameMultipleAsTheVariableBasePath(int width)
    {
        var point = ManagedSm2.PublicPoint(RandomNumberGenerator.GetBytes(32));
        var table = new FixedBaseTable(point, width);
        Assert.Equal((257 + width - 1) / width, table.Windows);
        Assert.Equal(table.Windows * (1L << (width - 1)) * 64, table.Bytes);

        foreach (var k in Scalars(width))
        {
            var scalar = Fn.FromBytesRaw(Bytes(k));
            VariableBase.MultiplyVartime(scalar, point, out var expected);
            table.MultiplyVartime(scalar, out var vartime);
            table.MultiplyConstantTime(scalar, out var constantTime, out var degenerate);

            Assert.True(Curve.ToAffine(expected, out var want), $"k = {k:X}");
            Assert.Equal(Affine(want), Affine(vartime));
            Assert.Equal(0UL, degenerate);
            Assert.Equal(Affine(want), Affine(constantTime));
        }
    }

    [Fact]
    public void AWidthOutsideTheSupportedRange_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedBaseTable(Curve.G, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedBaseTable(Curve.G, 13));
    }

    /// <summary>1, n − 1, all-ones windows, digits at ±2^(w−1) and each window's carry, and random scalars.</summary>
    private static IEnumerable<BigInteger> Scalars(int width)
    {
        yield return BigInteger.One;
        yield return 2;
        yield return N - 1;
        yield return N - 2;
        yield return (BigInteger.One << 255) + 1;
        for (var i = 1; i * width < 256; i++)
        {
            yield return BigInteger.One << ((i * width) - 1);           // a digit of exactly 2^(w−1)
            yield return (BigInteger.One << (i * width)) - 1;           // all ones up to a window's end: carries
            yield return (BigInteger.One << (i * width)) + 1;
        }

        var random = new Random(width);
        for (var i = 0; i < 100; i++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            var k = new BigInteger(bytes, isUnsigned: true, isBigEndian: true) % N;
            yield return k.IsZero ? BigInteger.One : k;
        }
    }

    private static (ulong, ulong, ulong, ulong, ulong, ulong, ulong, ulong) Affine(in JacobianPoint point)
    {
        Assert.True(Curve.ToAffine(point, out var affine));
        return Affine(affine);
    }

    private static (ulong, ulong, ulong, ulong, ulong, ulong, ulong, ulong) Affine(in AffinePoint a) =>
        (a.X.L0, a.X.L1, a.X.L2, a.X.L3, a.Y.L0, a.Y.L1, a.Y.L2, a.Y.L3);

    private static byte[] Bytes(BigInteger value)
    {
        var bytes = new byte[32];
        value.TryWriteBytes(bytes.AsSpan(32 - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return bytes;
    }
}
