using System.Text.Json.Serialization;

namespace Hub.Cli.Audit;

/// <summary>
/// Everything needed to check a receipt offline: the receipt, a signed checkpoint, the inclusion proof under it and
/// the public key that signed the checkpoint (for information: verifiers use their pinned keys), and the checkpoint
/// as a signed note with the witnesses' cosignatures.
/// </summary>
internal sealed record ReceiptBundle(
    [property: JsonPropertyName("log_index")] long LogIndex,
    [property: JsonPropertyName("leaf_hash")] string LeafHash,
    [property: JsonPropertyName("entry_json")] string EntryJson,
    [property: JsonPropertyName("checkpoint")] string? Checkpoint = null,
    [property: JsonPropertyName("signature")] string? Signature = null,
    [property: JsonPropertyName("key_id")] string? KeyId = null,
    [property: JsonPropertyName("public_key_pem")] string? PublicKeyPem = null,
    [property: JsonPropertyName("inclusion_proof")] IReadOnlyList<string>? InclusionProof = null,
    [property: JsonPropertyName("note")] string? Note = null);
