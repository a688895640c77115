using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Hub.Signing.Sm2;

namespace Hub.Benchmarks.Micro;

/// <summary>SM2 seals over a typical license's canonical JSON; the baseline is .NET's ECDSA P-256 over the same bytes.</summary>
[MemoryDiagnoser]
public class Sm2Benchmarks
{
    private readonly byte[] _content = Encoding.UTF8.GetBytes(TypicalLicense.Json);
    private readonly Sm2KeyPair _sm2 = Sm2KeyPair.Generate();
    private readonly ECDsa _p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private byte[] _sm2Signature = [];
    private byte[] _p256Signature = [];

    [GlobalSetup]
    public void Setup()
    {
        _sm2Signature = _sm2.Sign(_content);
        _p256Signature = _p256.SignData(_content, HashAlgorithmName.SHA256);
    }

    [Benchmark(Baseline = true)]
    public byte[] P256Sign() => _p256.SignData(_content, HashAlgorithmName.SHA256);

    [Benchmark]
    public byte[] Sm2Sign() => _sm2.Sign(_content);

    [Benchmark]
    public bool P256Verify() => _p256.VerifyData(_content, _p256Signature, HashAlgorithmName.SHA256);

    [Benchmark]
    public bool Sm2Verify() => _sm2.PublicKey.Verify(_content, _sm2Signature);
}
