using BenchmarkDotNet.Attributes;
using Hub.Signing.Sm2.Managed;

namespace Hub.Benchmarks.Micro;

/// <summary>The managed SM2 engine's building blocks: what one field multiplication, squaring and inversion cost.</summary>
[MemoryDiagnoser]
public class Sm2FieldBenchmarks
{
    private Fp _a = Fp.One;
    private Fp _b;

    [GlobalSetup]
    public void Setup()
    {
        Fp.TryFromBytes(Convert.FromHexString("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"), out _a);
        Fp.TryFromBytes(Convert.FromHexString("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0"), out _b);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 100)]
    public ulong Multiply()
    {
        var x = _a;
        for (var i = 0; i < 100; i++)
        {
            Fp.Mul(x, _b, out x);
        }

        return x.L0;
    }

    [Benchmark(OperationsPerInvoke = 100)]
    public ulong Square()
    {
        var x = _a;
        for (var i = 0; i < 100; i++)
        {
            Fp.Square(x, out x);
        }

        return x.L0;
    }

    [Benchmark]
    public ulong Invert()
    {
        Fp.Invert(_a, out var x);
        return x.L0;
    }
}
