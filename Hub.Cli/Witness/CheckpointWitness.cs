using System.Globalization;
using Hub.Signing.Merkle;
using Hub.Signing.Sm2;
using Org.BouncyCastle.Crypto.Parameters;

namespace Hub.Cli.Witness;

/// <summary>
/// C2SP tlog-witness <c>add-checkpoint</c>: the request is <c>old &lt;size&gt;</c>, the consistency proof's hashes in
/// base64 one a line, a blank line, and the signed checkpoint note. 200 with a cosignature line when the checkpoint is
/// a consistent extension of the latest one cosigned for its log; 409 with the latest size when <c>old</c> is not it;
/// 422 when the proof fails; 403 for an unknown log or a log signature that does not verify; 400 when malformed.
/// </summary>
internal sealed class CheckpointWitness(string name, Ed25519PrivateKeyParameters key, IReadOnlyDictionary<string, Sm2PublicKey> logs, WitnessState state, TimeProvider time)
{
    public const int MaxRequestBytes = 64 * 1024;
    private readonly Lock _gate = new();

    public (int Status, string ContentType, string Body) AddCheckpoint(string request)
    {
        var split = request.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return BadRequest("the body is 'old <size>', the proof lines, a blank line and the checkpoint note");
        }

        var head = request[..split].Split('\n');
        if (!head[0].StartsWith("old ", StringComparison.Ordinal) || !long.TryParse(head[0][4..], NumberStyles.None, CultureInfo.InvariantCulture, out var oldSize))
        {
            return BadRequest("the first line must be 'old <size>'");
        }

        List<byte[]> proof;
        try
        {
            proof = [.. head.Skip(1).Select(Convert.FromBase64String)];
        }
        catch (FormatException)
        {
            return BadRequest("each proof line must be one base64 hash");
        }

        if (CheckpointNote.Split(request[(split + 2)..]) is not { } note)
        {
            return BadRequest("the checkpoint is not a signed note");
        }

        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Parse(note.Body);
        }
        catch (FormatException e)
        {
            return BadRequest("the note's body is not a checkpoint: " + e.Message);
        }

        if (!logs.TryGetValue(checkpoint.Origin, out var logKey))
        {
            return (403, "text/plain", $"this witness does not witness the log '{checkpoint.Origin}'\n");
        }

        if (!note.Lines.Any(l => CheckpointNote.VerifyLogLine(l, checkpoint.Origin, logKey, note.Body)))
        {
            return (403, "text/plain", "the checkpoint has no valid signature by the log's key\n");
        }

        // One request at a time: check, record durably, then cosign.
        lock (_gate)
        {
            var latest = state.Latest(checkpoint.Origin);
            if (oldSize != latest.Size)
            {
                return (409, "text/x.tlog.size", string.Create(CultureInfo.InvariantCulture, $"{latest.Size}\n"));
            }

            if (checkpoint.TreeSize < oldSize)
            {
                return BadRequest("the checkpoint is older than 'old'");
            }

            var consistent = oldSize == 0
                ? proof.Count == 0
                : MerkleTree.VerifyConsistency(oldSize, checkpoint.TreeSize, Convert.FromBase64String(latest.Root), checkpoint.RootHash, proof);
            if (!consistent)
            {
                return (422, "text/plain", "the consistency proof does not prove the checkpoint extends the one last cosigned\n");
            }

            state.Advance(checkpoint.Origin, checkpoint.TreeSize, checkpoint.RootHash);
            var now = (ulong)time.GetUtcNow().ToUnixTimeSeconds();
            return (200, "text/x.tlog.signature", Cosignature.Line(name, key, note.Body, now) + "\n");
        }
    }

    private static (int, string, string) BadRequest(string why) => (400, "text/plain", why + "\n");
}
