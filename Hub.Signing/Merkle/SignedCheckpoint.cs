using System.Globalization;

namespace Hub.Signing.Merkle;

/// <summary>
/// The one rule for believing a checkpoint, shared by the hub's own proof paths and the auditors' offline tools: the
/// tree size and root come from the signed body and nowhere else, the signature must verify with a key the verifier
/// pinned (never a key handed over with the checkpoint), the origin must be the log's, and a key that has been revoked
/// is not believed — a checkpoint's time is the hub's own word until witnesses cosign it, so a revoked key's
/// checkpoints cannot be told apart from ones forged with it afterwards.
/// </summary>
public static class SignedCheckpoint
{
    /// <summary>The checkpoint the signature vouches for, or why it is not believed.</summary>
    public static (Checkpoint? Checkpoint, string? Problem) Verify(
        string body, ReadOnlySpan<byte> signature, string keyId, string expectedOrigin, IReadOnlyCollection<LogKey> trusted)
    {
        if (trusted.Count == 0)
        {
            return (null, "no log key is pinned: nothing can be believed");
        }

        var key = trusted.FirstOrDefault(k => k.KeyId == keyId);
        if (key is null)
        {
            return (null, $"it is signed by key {keyId}, which is not one of the pinned keys ({string.Join(", ", trusted.Select(k => k.KeyId))})");
        }

        if (!key.Key.Verify(System.Text.Encoding.UTF8.GetBytes(body), signature))
        {
            return (null, $"its signature does not verify with the pinned key {keyId}");
        }

        Checkpoint checkpoint;
        try
        {
            checkpoint = Checkpoint.Parse(body);
        }
        catch (FormatException e)
        {
            return (null, "its signed body is not a checkpoint: " + e.Message);
        }

        if (checkpoint.Origin != expectedOrigin)
        {
            return (null, $"it is a checkpoint of log '{checkpoint.Origin}', not of '{expectedOrigin}'");
        }

        return key.RevokedAt is { } revoked
            ? (null, $"it is signed by key {keyId}, revoked at {revoked.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}Z; ask for a checkpoint signed by a current key")
            : (checkpoint, null);
    }
}
