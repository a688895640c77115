using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Hub.Signing.Sm2;

namespace Hub.Benchmarks.Micro;

/// <summary>
/// SM2 seals over a typical license's canonical JSON: the managed engine against BouncyCastle (the baseline of each
/// group), with .NET's ECDSA P-256 (OpenSSL underneath) over the same bytes for scale.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class Sm2Benchmarks
{
    private readonly byte[] _content = Encoding.UTF8.GetBytes(TypicalLicense.Json);
    private readonly byte[] _signature = new byte[Sm2KeyPair.MaxSignatureLength];
    private readonly Sm2KeyPair _managed = Sm2KeyPair.Generate(Sm2Engine.Managed);
    private readonly ECDsa _p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private Sm2KeyPair _bouncyCastle = null!;
    private Sm2PublicKey _ownKey = null!;
    private Sm2PublicKey _anyKeyBouncyCastle = null!;
    private byte[] _sm2Signature = [];
    private byte[] _p256Signature = [];

    [GlobalSetup]
    public void Setup()
    {
        _bouncyCastle = _managed.WithEngine(Sm2Engine.BouncyCastle);
        _anyKeyBouncyCastle = _managed.PublicKey.WithEngine(Sm2Engine.BouncyCastle);
        _ownKey = _managed.PublicKey.WithEngine(Sm2Engine.Managed);
        _ownKey.Precompute();
        _sm2Signature = _managed.Sign(_content);
        _p256Signature = _p256.SignData(_content, HashAlgorithmName.SHA256);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("sign")]
    public int BouncyCastleSign() => _bouncyCastle.Sign(_content, _signature);

    [Benchmark]
    [BenchmarkCategory("sign")]
    public int ManagedSign() => _managed.Sign(_content, _signature);

    [Benchmark]
    [BenchmarkCategory("sign")]
    public byte[] P256Sign() => _p256.SignData(_content, HashAlgorithmName.SHA256);

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("verify")]
    public bool BouncyCastleVerify() => _anyKeyBouncyCastle.Verify(_content, _sm2Signature);

    [Benchmark]
    [BenchmarkCategory("verify")]
    public bool ManagedVerifyAnyKey() => _managed.PublicKey.Verify(_content, _sm2Signature);

    [Benchmark]
    [BenchmarkCategory("verify")]
    public bool ManagedVerifyOwnKey() => _ownKey.Verify(_content, _sm2Signature);

    [Benchmark]
    [BenchmarkCategory("verify")]
    public bool P256Verify() => _p256.VerifyData(_content, _p256Signature, HashAlgorithmName.SHA256);
}
