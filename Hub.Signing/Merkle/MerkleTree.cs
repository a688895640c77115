using Hub.Signing.Sm2;

namespace Hub.Signing.Merkle;

/// <summary>
/// RFC 9162 (Certificate Transparency v2) Merkle tree math with SM3 as the hash: leaf = H(0x00 ‖ entry),
/// node = H(0x01 ‖ left ‖ right); roots, inclusion and consistency proofs, and their verification. Proofs are built
/// from hashes of complete aligned subtrees, so a store answers them with O(log n) node reads.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = Sm3.HashSize;

    public static byte[] LeafHash(ReadOnlySpan<byte> entry) => Sm3.Hash([0x00], entry.ToArray());

    public static byte[] NodeHash(byte[] left, byte[] right) => Sm3.Hash([0x01], left, right);

    /// <summary>The hash of the empty tree: SM3 of no bytes.</summary>
    public static byte[] EmptyRoot() => Sm3.Hash(ReadOnlySpan<byte>.Empty);

    /// <summary>MTH(D[0:size]).</summary>
    public static byte[] Root(long size, IMerkleNodeSource nodes) => size == 0 ? EmptyRoot() : Range(0, size, nodes);

    /// <summary>PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf-side first.</summary>
    public static List<byte[]> InclusionProof(long index, long size, IMerkleNodeSource nodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var proof = new List<byte[]>();
        Path(index, 0, size, nodes, proof);
        return proof;
    }

    /// <summary>PROOF(first, D[0:second]) of RFC 9162 §2.1.4.1.</summary>
    public static List<byte[]> ConsistencyProof(long first, long second, IMerkleNodeSource nodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(first);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first, second);
        var proof = new List<byte[]>();
        if (first < second)
        {
            SubProof(first, 0, second, true, nodes, proof);
        }

        return proof;
    }

    /// <summary>RFC 9162 §2.1.3.2: does <paramref name="proof"/> place <paramref name="leafHash"/> at <paramref name="index"/> under <paramref name="root"/>?</summary>
    public static bool VerifyInclusion(long index, long size, byte[] leafHash, IReadOnlyList<byte[]> proof, byte[] root)
    {
        if (index < 0 || index >= size)
        {
            return false;
        }

        long fn = index;
        long sn = size - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>RFC 9162 §2.1.4.2: is the tree of size <paramref name="second"/> an append-only extension of the first?</summary>
    public static bool VerifyConsistency(long first, long second, byte[] firstRoot, byte[] secondRoot, IReadOnlyList<byte[]> proof)
    {
        if (first <= 0 || first > second)
        {
            return false;
        }

        if (first == second)
        {
            return proof.Count == 0 && firstRoot.AsSpan().SequenceEqual(secondRoot);
        }

        if (proof.Count == 0)
        {
            return false;
        }

        var path = new List<byte[]>(proof);
        if (IsPowerOfTwo(first))
        {
            path.Insert(0, firstRoot);
        }

        long fn = first - 1;
        long sn = second - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return fr.AsSpan().SequenceEqual(firstRoot) && sr.AsSpan().SequenceEqual(secondRoot) && sn == 0;
    }

    /// <summary>The largest power of two strictly below n (n ≥ 2).</summary>
    public static long SplitPoint(long n)
    {
        long k = 1;
        while (k << 1 < n)
        {
            k <<= 1;
        }

        return k;
    }

    public static bool IsPowerOfTwo(long n) => n > 0 && (n & (n - 1)) == 0;

    /// <summary>MTH of leaves [start, end): a stored node when the range is a complete aligned subtree.</summary>
    private static byte[] Range(long start, long end, IMerkleNodeSource nodes)
    {
        var size = end - start;
        if (IsPowerOfTwo(size) && start % size == 0)
        {
            return nodes.Node(System.Numerics.BitOperations.Log2((ulong)size), start / size);
        }

        var k = SplitPoint(size);
        return NodeHash(Range(start, start + k, nodes), Range(start + k, end, nodes));
    }

    private static void Path(long index, long start, long end, IMerkleNodeSource nodes, List<byte[]> proof)
    {
        var size = end - start;
        if (size == 1)
        {
            return;
        }

        var k = SplitPoint(size);
        if (index - start < k)
        {
            Path(index, start, start + k, nodes, proof);
            proof.Add(Range(start + k, end, nodes));
        }
        else
        {
            Path(index, start + k, end, nodes, proof);
            proof.Add(Range(start, start + k, nodes));
        }
    }

    private static void SubProof(long m, long start, long end, bool completeSubtree, IMerkleNodeSource nodes, List<byte[]> proof)
    {
        var size = end - start;
        if (m == size)
        {
            if (!completeSubtree)
            {
                proof.Add(Range(start, end, nodes));
            }

            return;
        }

        var k = SplitPoint(size);
        if (m <= k)
        {
            SubProof(m, start, start + k, completeSubtree, nodes, proof);
            proof.Add(Range(start + k, end, nodes));
        }
        else
        {
            SubProof(m - k, start + k, end, false, nodes, proof);
            proof.Add(Range(start, start + k, nodes));
        }
    }
}
