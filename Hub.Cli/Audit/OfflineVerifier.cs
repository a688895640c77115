using System.Text;
using System.Text.Json;
using Hub.Signing.Merkle;

namespace Hub.Cli.Audit;

/// <summary>Checks receipts and checkpoints with nothing but the bytes in hand: no hub, no database.</summary>
internal static class OfflineVerifier
{
    /// <summary>
    /// Each check with whether it passed; the receipt is good only when all pass. <c>witnessedBy</c>: when the
    /// auditor's required witnesses had all cosigned the bundle's checkpoint, if they did.
    /// </summary>
    public static List<(string Check, bool Passed, string Detail)> VerifyReceipt(
        ReceiptBundle bundle, IReadOnlyCollection<LogKey> pinned, string origin, DateTimeOffset? witnessedBy = null)
    {
        var results = new List<(string, bool, string)>();
        var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(bundle.EntryJson));
        results.Add(("LEAF", Convert.ToBase64String(leaf) == bundle.LeafHash, "SM3(0x00 ‖ entry_json) equals the receipt's leaf hash"));
        var indexInEntry = JsonDocument.Parse(bundle.EntryJson).RootElement.TryGetProperty("log_index", out var li) ? li.GetInt64() : -1;
        results.Add(("INDEX", indexInEntry == bundle.LogIndex, $"the entry names log index {indexInEntry}"));
        if (bundle.Checkpoint is null || bundle.Signature is null || bundle.InclusionProof is null)
        {
            results.Add(("CHECKPOINT", false, "the bundle has no checkpoint and proof (make one with `hubctl receipt prove`)"));
            return results;
        }

        // Only the pinned keys count: the bundle's own public_key_pem is whatever its maker put there.
        var (checkpoint, problem) = SignedCheckpoint.Verify(bundle.Checkpoint, Convert.FromBase64String(bundle.Signature), bundle.KeyId ?? string.Empty, origin, pinned, witnessedBy);
        results.Add(("CHECKPOINT_SIGNATURE", checkpoint is not null, checkpoint is null ? problem! : $"SM2 signature by pinned key {bundle.KeyId} over the checkpoint of {origin}, size {checkpoint.TreeSize}"));
        if (checkpoint is null)
        {
            return results;
        }

        var proof = bundle.InclusionProof.Select(Convert.FromBase64String).ToList();
        results.Add(("INCLUSION", MerkleTree.VerifyInclusion(bundle.LogIndex, checkpoint.TreeSize, leaf, proof, checkpoint.RootHash),
            $"the entry is leaf {bundle.LogIndex} of the tree whose root the checkpoint signs"));
        return results;
    }
}
