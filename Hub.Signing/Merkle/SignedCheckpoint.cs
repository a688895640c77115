using System.Globalization;

namespace Hub.Signing.Merkle;

/// <summary>
/// The one rule for believing a checkpoint, shared by the hub's own proof paths and the auditors' offline tools: the
/// tree size and root come from the signed body and nowhere else, the signature must verify with a key the verifier
/// pinned (never a key handed over with the checkpoint), the origin must be the log's, and a revoked key is believed
/// only for checkpoints the verifier's own witnesses cosigned before it was revoked. A checkpoint carries no time of
/// its own that anyone but the hub vouches for, so without such cosignatures a revoked key's checkpoints cannot be
/// told apart from ones forged with it afterwards.
/// </summary>
public static class SignedCheckpoint
{
    /// <summary>
    /// The checkpoint the signature vouches for, or why it is not believed. <c>witnessedBy</c> is when the verifier's
    /// quorum of trusted witnesses had cosigned the body (the quorum's latest cosignature time), or null when no
    /// witness is required or none vouches for it.
    /// </summary>
    public static (Checkpoint? Checkpoint, string? Problem) Verify(
        string body, ReadOnlySpan<byte> signature, string keyId, string expectedOrigin, IReadOnlyCollection<LogKey> trusted,
        DateTimeOffset? witnessedBy = null)
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

        if (key.RevokedAt is not { } revoked || witnessedBy < revoked)
        {
            return (checkpoint, null);
        }

        return witnessedBy is { } late
            ? (null, $"it is signed by key {keyId}, revoked at {Utc(revoked)}, and the witnesses cosigned it only at {Utc(late)}; ask for a checkpoint signed by a current key")
            : (null, $"it is signed by key {keyId}, revoked at {Utc(revoked)}; ask for a checkpoint signed by a current key, or require witnesses that cosigned it before then");
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z";
}
