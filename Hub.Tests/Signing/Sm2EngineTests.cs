using System.Numerics;
using System.Security.Cryptography;
using Hub.Signing.Sm2;
using Hub.Signing.Sm2.Managed;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;

namespace Hub.Tests.Signing;

/// <summary>
/// The managed SM2 engine against BouncyCastle (the reference) and against plain big-integer arithmetic: SM3, the field
/// and scalar arithmetic, fixed-nonce signatures, and the verdicts on malformed signatures and keys.
/// </summary>
public sealed class Sm2EngineTests
{
    private static readonly BigInteger P = BigInteger.Parse("0FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
    private static readonly BigInteger N = BigInteger.Parse("0FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Sm3_MatchesBouncyCastle_ForEveryLengthAndSplit()
    {
        var random = new Random(32905);
        for (var length = 0; length < 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            var split = length == 0 ? 0 : random.Next(length);
            var hasher = Sm3Hasher.Create();
            hasher.Append(data.AsSpan(0, split));
            hasher.Append(data.AsSpan(split));
            var managed = new byte[32];
            hasher.Finish(managed);

            Assert.Equal(BouncyCastleSm3(data), managed);
        }
    }

    [Fact]
    public void HmacSm3_MatchesBouncyCastle_ForShortAndLongKeys()
    {
        foreach (var keyLength in (int[])[0, 16, 64, 65, 200])
        {
            var key = RandomNumberGenerator.GetBytes(keyLength);
            var data = RandomNumberGenerator.GetBytes(77);
            var mac = new HMac(new SM3Digest());
            mac.Init(new KeyParameter(key));
            mac.BlockUpdate(data);
            var expected = new byte[32];
            mac.DoFinal(expected);

            Assert.Equal(expected, Sm3.Hmac(key, data));
        }
    }

    [Fact]
    public void FieldArithmetic_MatchesBigIntegers()
    {
        for (var i = 0; i < 2000; i++)
        {
            var (a, fa) = RandomField();
            var (b, fb) = RandomField();
            Fp.Mul(fa, fb, out var product);
            Fp.Add(fa, fb, out var sum);
            Fp.Sub(fa, fb, out var difference);
            Fp.Invert(fa, out var inverse);

            Assert.Equal(a * b % P, Value(product));
            Assert.Equal((a + b) % P, Value(sum));
            Assert.Equal(((a - b) % P + P) % P, Value(difference));
            Assert.Equal(a.IsZero ? BigInteger.Zero : BigInteger.ModPow(a, P - 2, P), Value(inverse));
        }
    }

    [Fact]
    public void ScalarArithmetic_MatchesBigIntegers()
    {
        for (var i = 0; i < 2000; i++)
        {
            var a = RandomBelow(N);
            var b = RandomBelow(N);
            var fa = Fn.FromBytesRaw(Bytes(a));
            var fb = Fn.FromBytesRaw(Bytes(b));
            Fn.Mul(fa, fb, out var product);
            Fn.Add(fa, fb, out var sum);
            Fn.Sub(fa, fb, out var difference);

            Assert.Equal(a * b % N, Scalar(product));
            Assert.Equal((a + b) % N, Scalar(sum));
            Assert.Equal(((a - b) % N + N) % N, Scalar(difference));
            if (i % 100 == 0)
            {
                Fn.Invert(fa, out var inverse);
                Assert.Equal(BigInteger.ModPow(a, N - 2, N), Scalar(inverse));
            }
        }

        // Any 256-bit value reduces below n with one subtraction.
        Assert.Equal((BigInteger.Pow(2, 256) - 1) % N, Scalar(Fn.FromBytesReduced(Enumerable.Repeat((byte)0xFF, 32).ToArray())));
    }

    [Fact]
    public void PublicPoints_MatchBouncyCastle_IncludingScalarsAtTheEdges()
    {
        var scalars = new List<BigInteger> { 1, 2, 3, 31, 32, 33, 63, 64, 65, N - 1, N - 2, N - 32, BigInteger.Pow(2, 255), BigInteger.Pow(2, 252) - 1 };
        for (var i = 0; i < 50; i++)
        {
            scalars.Add(RandomBelow(N - 1) + 1);
        }

        foreach (var d in scalars)
        {
            var expected = Sm2Curve.Parameters.G.Multiply(new Org.BouncyCastle.Math.BigInteger(1, Bytes(d))).Normalize().GetEncoded(false);
            var point = ManagedSm2.PublicPoint(Bytes(d));
            var actual = new byte[65];
            actual[0] = 4;
            point.X.ToBytes(actual.AsSpan(1, 32));
            point.Y.ToBytes(actual.AsSpan(33, 32));

            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
        }
    }

    [Fact]
    public void FixedNonce_GivesBouncyCastlesSignature()
    {
        for (var i = 0; i < 20; i++)
        {
            var d = RandomBelow(N - 2) + 1;
            var k = RandomBelow(N - 1) + 1;
            var message = RandomNumberGenerator.GetBytes(i * 13);
            var key = Sm2KeyPair.FromPrivateScalar(Bytes(d));

            var signer = new SM2Signer();
            signer.Init(true, new ParametersWithRandom(key.BouncyCastlePrivate, new FixedRandom(Bytes(k))));
            signer.BlockUpdate(message);
            var expected = signer.GenerateSignature();

            var e = Fn.FromBytesReduced(Sm3.Hash(key.PublicKey.Managed.Za, message));
            Assert.True(ManagedSm2.TrySignWithNonce(key.Managed, e, Fn.FromBytesRaw(Bytes(k)), out var r, out var s));
            var actual = new byte[72];
            var length = Sm2Der.Encode(r, s, actual);

            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual.AsSpan(0, length)));
        }
    }

    [Fact]
    public void HubOwnKeyTable_VerifiesLikeTheGeneralPath()
    {
        var key = Sm2KeyPair.Generate();
        var withTable = Sm2PublicKey.FromSubjectPublicKeyInfo(key.PublicKey.SubjectPublicKeyInfo);
        withTable.Precompute();
        for (var i = 0; i < 200; i++)
        {
            var message = RandomNumberGenerator.GetBytes(i);
            var signature = key.Sign(message);
            Assert.True(withTable.Verify(message, signature));
            Assert.True(key.PublicKey.Verify(message, signature));
            signature[^1] ^= 0x40;
            Assert.False(withTable.Verify(message, signature));
        }
    }

    public static TheoryData<string, string> MalformedSignatures => new()
    {
        { "empty", string.Empty },
        { "r = 0", Der("00", "01") },
        { "s = 0", Der("01", "00") },
        { "r = n", Der("00" + N.ToString("X64", System.Globalization.CultureInfo.InvariantCulture)[^64..], "01") },
        { "s = n", Der("01", "00" + N.ToString("X64", System.Globalization.CultureInfo.InvariantCulture)[^64..]) },
        { "r = n + 1", Der("00" + (N + 1).ToString("X64", System.Globalization.CultureInfo.InvariantCulture)[^64..], "01") },
        { "negative r", Der("FF", "01") },
        { "non-minimal r", Der("0001", "01") },
        { "non-minimal s", Der("01", "000001") },
        { "trailing byte", Der("01", "01") + "00" },
        { "long-form length", "308106020101020101" },
        { "wrong outer tag", "3106020101020101" },
        { "wrong integer tag", "3006030101020101" },
        { "three integers", "3009020101020101020101" },
        { "length too long", "3007020101020101" },
        { "33-byte integer with a non-zero lead", Der("01" + new string('0', 64), "01") },
    };

    [Theory]
    [MemberData(nameof(MalformedSignatures))]
    public void MalformedSignature_IsRefusedByBothEngines(string because, string hex)
    {
        var key = Sm2KeyPair.Generate();
        var signature = Convert.FromHexString(hex);

        Assert.False(key.PublicKey.Verify("m"u8, signature), because);
        Assert.False(key.PublicKey.WithEngine(Sm2Engine.BouncyCastle).Verify("m"u8, signature), because);
    }

    [Fact]
    public void MutatedSignatures_GetTheSameVerdictFromBothEngines()
    {
        var random = new Random(918);
        var key = Sm2KeyPair.Generate();
        var reference = key.PublicKey.WithEngine(Sm2Engine.BouncyCastle);
        var message = "fuzzed"u8.ToArray();
        var valid = key.Sign(message);
        for (var i = 0; i < 3000; i++)
        {
            var mutated = Mutate(valid, random);

            Assert.Equal(reference.Verify(message, mutated), key.PublicKey.Verify(message, mutated));
        }
    }

    public static TheoryData<string, string> BadPublicKeys => new()
    {
        { "wrong length", "04" + new string('1', 126) },
        { "compressed prefix with 65 bytes", "02" + new string('1', 128) },
        { "the point (0, 0)", "04" + new string('0', 128) },
        { "off the curve", "04" + "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7" + "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A1" },
        { "x = p", "04" + P.ToString("X64", System.Globalization.CultureInfo.InvariantCulture)[^64..] + "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0" },
    };

    [Theory]
    [MemberData(nameof(BadPublicKeys))]
    public void BadPublicKey_IsRefusedLikeBouncyCastleDoes(string because, string hex)
    {
        var bytes = Convert.FromHexString(hex);

        Assert.ThrowsAny<CryptographicException>(() => Sm2PublicKey.FromUncompressedPoint(bytes));
        Assert.ThrowsAny<Exception>(() => Sm2Curve.Parameters.Curve.DecodePoint(bytes).Normalize().GetEncoded(false).Length.ToString(because, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        var bytes = valid.ToList();
        switch (random.Next(5))
        {
            case 0:
                bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                break;
            case 2:
                bytes.RemoveAt(random.Next(bytes.Count));
                break;
            case 3:
                bytes[random.Next(Math.Min(6, bytes.Count))] = (byte)random.Next(256);
                break;
            default:
                return [.. bytes.Take(random.Next(bytes.Count))];
        }

        return [.. bytes];
    }

    private static string Der(string r, string s)
    {
        var body = $"02{r.Length / 2:X2}{r}02{s.Length / 2:X2}{s}";
        return $"30{body.Length / 2:X2}{body}";
    }

    private static byte[] BouncyCastleSm3(byte[] data)
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(data);
        var hash = new byte[32];
        digest.DoFinal(hash);
        return hash;
    }

    [Fact]
    public void VerifyXCheck_WithoutInversion_AcceptsExactlyTheX_ThatGivesR_IncludingAnXAtOrAboveN()
    {
        // The check behind verification, X = x₁·Z² instead of x₁ = X/Z²: every x₁ in [0, p) whose (e + x₁) mod n is r,
        // including the rare x₁ in [n, p) that reduces by n, and nothing else.
        var (_, z) = RandomField();
        Fp.Square(z, out var zz);
        var e = RandomBelow(N);
        foreach (var x1 in (BigInteger[])[RandomBelow(N), N, N + 5, P - 1])
        {
            Fp.TryFromBytes(Bytes(x1), out var x);
            Fp.Mul(x, zz, out var scaledX);
            var point = new JacobianPoint(scaledX, Fp.One, z);
            var r = (e + x1) % N;

            Assert.True(ManagedSm2.XMatches(point, Fn.FromBytesRaw(Bytes(r)), Fn.FromBytesRaw(Bytes(e))), $"x1 = {x1:X}");
            Assert.False(ManagedSm2.XMatches(point, Fn.FromBytesRaw(Bytes((r + 1) % N)), Fn.FromBytesRaw(Bytes(e))), $"x1 = {x1:X}");
        }
    }

    private static (BigInteger Value, Fp Element) RandomField()
    {
        var value = RandomBelow(P);
        return Fp.TryFromBytes(Bytes(value), out var element) ? (value, element) : throw new InvalidOperationException();
    }

    private static BigInteger RandomBelow(BigInteger bound)
    {
        while (true)
        {
            var value = new BigInteger(RandomNumberGenerator.GetBytes(32), isUnsigned: true, isBigEndian: true);
            if (value < bound)
            {
                return value;
            }
        }
    }

    private static byte[] Bytes(BigInteger value)
    {
        var bytes = new byte[32];
        value.TryWriteBytes(bytes.AsSpan(32 - value.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);
        return bytes;
    }

    private static BigInteger Value(in Fp element)
    {
        var bytes = new byte[32];
        element.ToBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    private static BigInteger Scalar(in Fn element)
    {
        var bytes = new byte[32];
        element.ToBytes(bytes);
        return new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
    }

    /// <summary>A "random" source that yields one chosen nonce, so BouncyCastle signs with a known k.</summary>
    private sealed class FixedRandom(byte[] value) : SecureRandom
    {
        public override void NextBytes(byte[] buf) => NextBytes(buf, 0, buf.Length);

        public override void NextBytes(byte[] buf, int off, int len) => value.AsSpan(0, len).CopyTo(buf.AsSpan(off, len));

        public override void NextBytes(Span<byte> buffer) => value.AsSpan(0, buffer.Length).CopyTo(buffer);
    }
}
