using System.Text;
using Hub.Signing.Merkle;
using Org.BouncyCastle.Crypto.Digests;

namespace Hub.Tests.Signing;

/// <summary>
/// Proofs for many tree sizes (1, powers of two and their neighbours) checked against a straightforward,
/// independent implementation of RFC 9162's definitions written here with BouncyCastle's SM3.
/// </summary>
[Trait("Category", "Unit")]
public sealed class MerkleTreeTests
{
    public static TheoryData<int> Sizes => [.. new[] { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129 }];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Root_MatchesTheDefinition(int size)
    {
        var entries = Entries(size);

        Assert.Equal(ReferenceRoot(entries), MerkleTree.Root(size, Source(entries)));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void InclusionProofs_MatchTheDefinitionAndVerify(int size)
    {
        var entries = Entries(size);
        var root = ReferenceRoot(entries);
        var source = Source(entries);
        for (var i = 0; i < size; i++)
        {
            var proof = MerkleTree.InclusionProof(i, size, source);

            Assert.Equal(ReferencePath(i, entries), proof);
            Assert.True(MerkleTree.VerifyInclusion(i, size, ReferenceLeaf(entries[i]), proof, root));
            Assert.False(MerkleTree.VerifyInclusion(i, size, ReferenceLeaf([.. entries[i], 0x20]), proof, root));
            if (size > 1)
            {
                Assert.False(MerkleTree.VerifyInclusion((i + 1) % size, size, ReferenceLeaf(entries[i]), proof, root));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ConsistencyProofs_MatchTheDefinitionAndVerify(int size)
    {
        var entries = Entries(size);
        var source = Source(entries);
        var root = ReferenceRoot(entries);
        for (var first = 1; first <= size; first++)
        {
            var firstRoot = ReferenceRoot(entries[..first]);
            var proof = MerkleTree.ConsistencyProof(first, size, source);

            Assert.Equal(ReferenceProof(first, entries), proof);
            Assert.True(MerkleTree.VerifyConsistency(first, size, firstRoot, root, proof));
            if (first < size)
            {
                var forked = ReferenceRoot([.. entries[..(first - 1)], Encoding.UTF8.GetBytes("forged")]);
                Assert.False(MerkleTree.VerifyConsistency(first, size, forked, root, proof));
            }
        }
    }

    [Fact]
    public void Checkpoint_RoundTripsTheC2spTextForm()
    {
        var checkpoint = new Checkpoint("hub.example/log", 42, new byte[32]);

        Assert.Equal("hub.example/log\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", checkpoint.Text);
        Assert.Equal(checkpoint.TreeSize, Checkpoint.Parse(checkpoint.Text).TreeSize);
    }

    private static byte[][] Entries(int size) =>
        [.. Enumerable.Range(0, size).Select(i => Encoding.UTF8.GetBytes($"{{\"log_index\":{i}}}"))];

    private static LeafListNodeSource Source(byte[][] entries) => new([.. entries.Select(ReferenceLeaf)]);

    // RFC 9162 §2.1.1, written the way the RFC states it.
    private static byte[] ReferenceRoot(byte[][] d)
    {
        if (d.Length == 0)
        {
            return Sm3();
        }

        if (d.Length == 1)
        {
            return ReferenceLeaf(d[0]);
        }

        var k = 1;
        while (k * 2 < d.Length)
        {
            k *= 2;
        }

        return Sm3([0x01], ReferenceRoot(d[..k]), ReferenceRoot(d[k..]));
    }

    private static byte[] ReferenceLeaf(byte[] entry) => Sm3([0x00], entry);

    private static List<byte[]> ReferencePath(int m, byte[][] d)
    {
        if (d.Length == 1)
        {
            return [];
        }

        var k = 1;
        while (k * 2 < d.Length)
        {
            k *= 2;
        }

        return m < k
            ? [.. ReferencePath(m, d[..k]), ReferenceRoot(d[k..])]
            : [.. ReferencePath(m - k, d[k..]), ReferenceRoot(d[..k])];
    }

    private static List<byte[]> ReferenceProof(int m, byte[][] d) => m == d.Length ? [] : ReferenceSubProof(m, d, true);

    private static List<byte[]> ReferenceSubProof(int m, byte[][] d, bool b)
    {
        if (m == d.Length)
        {
            return b ? [] : [ReferenceRoot(d)];
        }

        var k = 1;
        while (k * 2 < d.Length)
        {
            k *= 2;
        }

        return m <= k
            ? [.. ReferenceSubProof(m, d[..k], b), ReferenceRoot(d[k..])]
            : [.. ReferenceSubProof(m - k, d[k..], false), ReferenceRoot(d[..k])];
    }

    private static byte[] Sm3(params byte[][] parts)
    {
        var digest = new SM3Digest();
        foreach (var part in parts)
        {
            digest.BlockUpdate(part, 0, part.Length);
        }

        var result = new byte[32];
        digest.DoFinal(result, 0);
        return result;
    }
}
