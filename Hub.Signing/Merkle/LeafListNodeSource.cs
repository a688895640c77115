namespace Hub.Signing.Merkle;

/// <summary>
/// Complete-subtree hashes computed from a list of leaf hashes in memory (offline verification, tests), with each
/// level built once.
/// </summary>
public sealed class LeafListNodeSource : IMerkleNodeSource
{
    private readonly List<List<byte[]>> _levels;

    public LeafListNodeSource(IReadOnlyList<byte[]> leafHashes)
    {
        _levels = [[.. leafHashes]];
        while (_levels[^1].Count > 1)
        {
            var below = _levels[^1];
            var level = new List<byte[]>(below.Count / 2);
            for (var i = 0; i + 1 < below.Count; i += 2)
            {
                level.Add(MerkleTree.NodeHash(below[i], below[i + 1]));
            }

            _levels.Add(level);
        }
    }

    public byte[] Node(int level, long index) => _levels[level][(int)index];
}
