using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Hub.Signing.Sm2;
using Org.BouncyCastle.Crypto.Digests;

namespace Hub.Benchmarks.Micro;

/// <summary>
/// SM3 on a typical access-log entry: the managed hasher against BouncyCastle's digest and the BCL's SHA-256; and a
/// batch of 128 such entries (one log cycle's leaves under load) one at a time against <see cref="Sm3.HashMany"/>.
/// Per-entry figures of the batch are the batch's time over <see cref="Batch"/>.
/// </summary>
[MemoryDiagnoser]
public class Sm3Benchmarks
{
    private readonly byte[] _entry = Encoding.UTF8.GetBytes(TypicalLicense.AccessEntry);
    private const int Batch = 128;
    private readonly byte[] _hash = new byte[32];
    private readonly byte[] _batch;
    private readonly int[] _ends = new int[Batch];
    private readonly byte[] _hashes = new byte[Batch * 32];

    public Sm3Benchmarks()
    {
        // Entries of slightly different lengths, as a cycle's are.
        var entries = Enumerable.Range(0, Batch).Select(i => _entry[..(_entry.Length - (i % 40))]).ToArray();
        _batch = [.. entries.SelectMany(e => e)];
        for (int i = 0, end = 0; i < Batch; i++)
        {
            end += entries[i].Length;
            _ends[i] = end;
        }
    }

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

    [Benchmark(OperationsPerInvoke = Batch)]
    public byte ManagedSm3BatchOneAtATime()
    {
        for (var i = 0; i < Batch; i++)
        {
            var start = i == 0 ? 0 : _ends[i - 1];
            Sm3Hasher.Hash(_batch.AsSpan(start, _ends[i] - start), _hashes.AsSpan(i * 32, 32));
        }

        return _hashes[0];
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public byte ManagedSm3BatchHashMany()
    {
        Sm3.HashMany(_batch, _ends, _hashes);
        return _hashes[0];
    }
}
