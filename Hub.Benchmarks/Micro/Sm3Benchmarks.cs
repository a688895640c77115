using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Hub.Signing.Sm2;
using Org.BouncyCastle.Crypto.Digests;

namespace Hub.Benchmarks.Micro;

/// <summary>SM3 on a typical access-log entry: the managed hasher against BouncyCastle's digest and the BCL's SHA-256.</summary>
[MemoryDiagnoser]
public class Sm3Benchmarks
{
    private readonly byte[] _entry = Encoding.UTF8.GetBytes(TypicalLicense.AccessEntry);
    private readonly byte[] _hash = new byte[32];

    [Benchmark(Baseline = true)]
    public int BouncyCastleSm3()
    {
        var digest = new SM3Digest();
        digest.BlockUpdate(_entry);
        return digest.DoFinal(_hash);
    }

    [Benchmark]
    public byte ManagedSm3()
    {
        Sm3Hasher.Hash(_entry, _hash);
        return _hash[0];
    }

    [Benchmark]
    public byte Sha256()
    {
        SHA256.HashData(_entry, _hash);
        return _hash[0];
    }
}
