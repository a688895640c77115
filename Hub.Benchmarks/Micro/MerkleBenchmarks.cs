using System.Text;
using BenchmarkDotNet.Attributes;
using Hub.Signing.Merkle;

namespace Hub.Benchmarks.Micro;

/// <summary>Inclusion and consistency proofs over an in-memory tree; the baseline recomputes the root from the leaves.</summary>
[MemoryDiagnoser]
public class MerkleBenchmarks
{
    private LeafListNodeSource _tree = null!;
    private List<byte[]> _leaves = [];

    [Params(1_000, 100_000)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _leaves = [.. Enumerable.Range(0, Size).Select(i => MerkleTree.LeafHash(Encoding.UTF8.GetBytes($"{{\"log_index\":{i}}}")))];
        _tree = new LeafListNodeSource(_leaves);
    }

    [Benchmark(Baseline = true)]
    public byte[] RootFromStoredNodes() => MerkleTree.Root(Size, _tree);

    [Benchmark]
    public List<byte[]> InclusionProof() => MerkleTree.InclusionProof(Size / 3, Size, _tree);

    [Benchmark]
    public List<byte[]> ConsistencyProof() => MerkleTree.ConsistencyProof(Size / 3, Size, _tree);
}
