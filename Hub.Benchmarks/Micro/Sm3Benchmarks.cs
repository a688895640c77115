using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace Hub.Benchmarks.Micro;

/// <summary>SM3 (BouncyCastle) against the BCL's SHA-256 on a typical access-log entry.</summary>
[MemoryDiagnoser]
public class Sm3Benchmarks
{
    private readonly byte[] _entry = Encoding.UTF8.GetBytes(TypicalLicense.AccessEntry);

    [Benchmark(Baseline = true)]
    public byte[] Sha256() => SHA256.HashData(_entry);

    [Benchmark]
    public byte[] Sm3() => Hub.Signing.Sm2.Sm3.Hash(_entry);
}
