using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Hub.Signing.Sm2.Managed;

namespace Hub.Benchmarks.Timing;

/// <summary>
/// A dudect-style timing test of the managed SM2 engine's secret-dependent paths (Reparaz, Balasch, Verbauwhede,
/// "Dude, is my code constant time?", 2017): measure one operation many times with a fixed secret and with random
/// secrets, interleaved in random order, and compare the two timing distributions with Welch's t-test — on all
/// samples and on samples cropped at several percentiles (dropping the slow tail that interrupts cause). |t| above
/// 4.5 is evidence of a leak; below it there is none at this sample size. A deliberately variable-time operation is
/// measured the same way as a positive control, to show the test can see a leak.
/// <c>dotnet run -c Release --project Hub.Benchmarks -- ct-check [--samples N]</c>
/// </summary>
internal static class ConstantTimeCheck
{
    private const double Threshold = 4.5;
    private static readonly double[] Crops = [1.0, 0.99, 0.95, 0.9, 0.75, 0.5];

    public static int Run(string[] args, TextWriter output)
    {
        var i = Array.IndexOf(args, "--samples");
        var samples = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 200_000;

        // Each sample's input is laid out before timing, for both classes alike (an array read per call), so that
        // the only difference between the classes is the secret's value.
        var random = new Random(11);
        var classes = Enumerable.Range(0, samples).Select(_ => random.Next(2) == 0).ToArray();
        var key = new ManagedPrivateKey(RandomScalarBytes());
        var e = Fn.FromBytesReduced(RandomNumberGenerator.GetBytes(32));
        // The fixed class uses a low-weight secret (many zero windows): the value most likely to show a difference.
        var fixedScalar = Fn.FromBytesRaw(Convert.FromHexString("0000000000000000000000000000000000000000000000000000000000000001"));
        var randomScalars = Enumerable.Range(0, 4096).Select(_ => Fn.FromBytesRaw(RandomScalarBytes())).ToArray();
        var scalars = classes.Select((isFixed, n) => isFixed ? fixedScalar : randomScalars[n & 4095]).ToArray();
        var otherScalars = classes.Select((_, n) => randomScalars[(n * 7) & 4095]).ToArray();
        var fixedD = Convert.FromHexString("0000000000000000000000000000000000000000000000000000000000000002");
        var fixedKeys = Enumerable.Range(0, 256).Select(_ => new ManagedPrivateKey(fixedD)).ToArray();
        var randomKeys = Enumerable.Range(0, 256).Select(_ => new ManagedPrivateKey(RandomScalarBytes())).ToArray();
        var keys = classes.Select((isFixed, n) => isFixed ? fixedKeys[n & 255] : randomKeys[n & 255]).ToArray();
        var fields = classes.Select((isFixed, n) => isFixed ? Fp.One : ToField(randomScalars[n & 4095])).ToArray();
        var table = ManagedSm2.G;

        var tests = new (string Name, Action<int> Operation)[]
        {
            ("k·G, constant-time (signing's nonce)", n => table.MultiplyConstantTime(scalars[n], out _, out _)),
            ("sign with a chosen nonce k", n => ManagedSm2.TrySignWithNonce(key, e, scalars[n], out _, out _)),
            ("sign with a chosen private key d", n => ManagedSm2.TrySignWithNonce(keys[n], e, otherScalars[n], out _, out _)),
            ("field inversion (p − 2 chain)", n => Fp.Invert(fields[n], out _)),
            ("control: k·G, variable-time (verification's path)", n => table.MultiplyVartime(scalars[n], out _)),
        };

        output.WriteLine($"dudect-style timing test, {samples:N0} measurements per test ({Environment.ProcessorCount} cores, .NET {Environment.Version})");
        output.WriteLine();
        output.WriteLine("| operation | mean fixed µs | mean random µs | max |t| over crops | verdict |");
        output.WriteLine("|---|---|---|---|---|");
        var leaks = 0;
        foreach (var (name, operation) in tests)
        {
            var (fixedMean, randomMean, t) = Measure(operation, classes);
            var leak = t > Threshold;
            var control = name.StartsWith("control", StringComparison.Ordinal);
            leaks += leak && !control ? 1 : 0;
            var verdict = control
                ? (leak ? "leak seen (as it must be: the test works)" : "NOT seen — the test is too weak at this sample size")
                : (leak ? "LEAK" : "no evidence of a leak");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {fixedMean:0.00} | {randomMean:0.00} | {t:0.00} | {verdict} |"));
        }

        return leaks == 0 ? 0 : 1;
    }

    private static (double FixedMean, double RandomMean, double MaxT) Measure(Action<int> operation, bool[] classes)
    {
        // Warm up (tiered JIT), then measure in the random class order.
        for (var n = 0; n < 2000; n++)
        {
            operation(n);
        }

        var times = new long[classes.Length];
        for (var n = 0; n < classes.Length; n++)
        {
            var start = Stopwatch.GetTimestamp();
            operation(n);
            times[n] = Stopwatch.GetTimestamp() - start;
        }

        var sorted = times.Order().ToArray();
        var maxT = 0.0;
        foreach (var crop in Crops)
        {
            var limit = sorted[Math.Min(sorted.Length - 1, (int)(crop * (sorted.Length - 1)))];
            var t = Math.Abs(Welch(times, classes, limit));
            if (!double.IsNaN(t))
            {
                maxT = Math.Max(maxT, t);
            }
        }

        double Mean(bool isFixed) => times.Where((_, n) => classes[n] == isFixed).Average() * 1_000_000.0 / Stopwatch.Frequency;
        return (Mean(true), Mean(false), maxT);
    }

    /// <summary>
    /// Welch's t statistic between the fixed and random classes, over samples no slower than <paramref name="limit"/>
    /// (NaN when a class has fewer than two such samples).
    /// </summary>
    private static double Welch(long[] times, bool[] classes, long limit)
    {
        double n0 = 0, mean0 = 0, m20 = 0, n1 = 0, mean1 = 0, m21 = 0;
        for (var i = 0; i < times.Length; i++)
        {
            if (times[i] > limit)
            {
                continue;
            }

            // Welford's online mean and variance per class.
            double x = times[i];
            if (classes[i])
            {
                n0++;
                var delta = x - mean0;
                mean0 += delta / n0;
                m20 += delta * (x - mean0);
            }
            else
            {
                n1++;
                var delta = x - mean1;
                mean1 += delta / n1;
                m21 += delta * (x - mean1);
            }
        }

        var variance0 = m20 / (n0 - 1);
        var variance1 = m21 / (n1 - 1);
        return (mean0 - mean1) / Math.Sqrt((variance0 / n0) + (variance1 / n1));
    }

    private static byte[] RandomScalarBytes()
    {
        while (true)
        {
            var bytes = RandomNumberGenerator.GetBytes(32);
            if (Fn.FromBytesRaw(bytes).InRangeMask() != 0)
            {
                return bytes;
            }
        }
    }

    private static Fp ToField(Fn value)
    {
        Span<byte> bytes = stackalloc byte[32];
        value.ToBytes(bytes);
        return Fp.TryFromBytes(bytes, out var element) ? element : Fp.One;
    }
}
