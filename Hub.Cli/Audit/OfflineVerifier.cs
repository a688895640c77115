using System.Text;
using System.Text.Json;
using Hub.Signing.Merkle;
using Hub.Signing.Sm2;

namespace Hub.Cli.Audit;

/// <summary>Checks receipts and checkpoints with nothing but the bytes in hand: no hub, no database.</summary>
internal static class OfflineVerifier
{
    /// <summary>Each check with whether it passed; the receipt is good only when all pass.</summary>
    public static List<(string Check, bool Passed, string Detail)> VerifyReceipt(ReceiptBundle bundle, string? publicKeyPem)
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

        var checkpoint = Checkpoint.Parse(bundle.Checkpoint);
        var pem = publicKeyPem ?? bundle.PublicKeyPem;
        var signed = false;
        var keyDetail = "no public key";
        if (pem is not null)
        {
            var key = Sm2PublicKey.FromPem(pem);
            signed = key.KeyId == bundle.KeyId && key.Verify(checkpoint.Bytes, Convert.FromBase64String(bundle.Signature));
            keyDetail = $"SM2 signature by key {key.KeyId} over the checkpoint of size {checkpoint.TreeSize}";
        }

        results.Add(("CHECKPOINT_SIGNATURE", signed, keyDetail));
        var proof = bundle.InclusionProof.Select(Convert.FromBase64String).ToList();
        results.Add(("INCLUSION", MerkleTree.VerifyInclusion(bundle.LogIndex, checkpoint.TreeSize, leaf, proof, checkpoint.RootHash),
            $"the entry is leaf {bundle.LogIndex} of the tree whose root the checkpoint signs"));
        return results;
    }
}
