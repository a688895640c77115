using System.Globalization;
using System.Text;

namespace Hub.Signing.Merkle;

/// <summary>
/// A checkpoint in the C2SP tlog-checkpoint form: the origin line, the tree size in decimal and the base64 root
/// hash, each ending in a newline. The signature (SM2, by the hub's seal key) covers exactly these bytes.
/// </summary>
public sealed record Checkpoint(string Origin, long TreeSize, byte[] RootHash)
{
    public string Text => string.Create(CultureInfo.InvariantCulture, $"{Origin}\n{TreeSize}\n{Convert.ToBase64String(RootHash)}\n");

    public byte[] Bytes => Encoding.UTF8.GetBytes(Text);

    public static Checkpoint Parse(string text)
    {
        var lines = text.Split('\n');
        if (lines.Length < 4 || lines[3].Length != 0 || lines[0].Length == 0
            || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw new FormatException("a checkpoint is three lines: origin, tree size, base64 root hash");
        }

        var root = Convert.FromBase64String(lines[2]);
        return root.Length == MerkleTree.HashSize ? new Checkpoint(lines[0], size, root) : throw new FormatException("the root hash must be 32 bytes");
    }
}
