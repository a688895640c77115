namespace Hub.Signing.Merkle;

/// <summary>
/// Hashes of complete, aligned subtrees: node (level, index) covers leaves [index·2^level, (index+1)·2^level).
/// Level 0 holds the leaf hashes.
/// </summary>
public interface IMerkleNodeSource
{
    byte[] Node(int level, long index);
}
