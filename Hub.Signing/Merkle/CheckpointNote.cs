using System.Security.Cryptography;
using System.Text;
using Hub.Signing.Sm2;

namespace Hub.Signing.Merkle;

/// <summary>
/// A checkpoint as a C2SP signed note: the body, a blank line, then one line per signature,
/// <c>— &lt;key name&gt; &lt;base64(key hash[4] ‖ signature)&gt;</c>. The log's own line uses the origin as key name and
/// signature type 0xFF (not registered by C2SP, which leaves such types to their users) for SM2-with-SM3: key hash =
/// SHA-256(name ‖ 0x0A ‖ 0xFF ‖ SubjectPublicKeyInfo DER)[:4], signature = the DER SM2 signature over the body with
/// the default distinguishing ID. Witnesses' cosignature lines follow (C2SP tlog-cosignature). docs/audit.md explains it.
/// </summary>
public static class CheckpointNote
{
    public const byte Sm2SignatureType = 0xFF;

    /// <summary>The 4-byte key hash that starts the log's signature in its note line.</summary>
    public static byte[] KeyHash(string name, Sm2PublicKey key) =>
        SHA256.HashData([.. Encoding.UTF8.GetBytes(name), 0x0A, Sm2SignatureType, .. key.SubjectPublicKeyInfo])[..4];

    /// <summary>The log's verifier key in the note form <c>name+hex(key hash)+base64(0xFF ‖ SPKI)</c>.</summary>
    public static string VerifierKey(string name, Sm2PublicKey key) =>
        $"{name}+{Convert.ToHexStringLower(KeyHash(name, key))}+{Convert.ToBase64String([Sm2SignatureType, .. key.SubjectPublicKeyInfo])}";

    /// <summary>A note's body (ending in its newline) and its signature lines; null when it is not a signed note.</summary>
    public static (string Body, IReadOnlyList<string> Lines)? Split(string note)
    {
        var blank = note.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0)
        {
            return null;
        }

        var lines = note[(blank + 2)..].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length > 0 && lines.All(l => l.StartsWith("— ", StringComparison.Ordinal)) ? (note[..(blank + 1)], lines) : null;
    }

    /// <summary>True when <paramref name="line"/> is the log's signature line over <paramref name="body"/> by this key.</summary>
    public static bool VerifyLogLine(string line, string name, Sm2PublicKey key, string body)
    {
        var prefix = $"— {name} ";
        if (!line.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            var raw = Convert.FromBase64String(line[prefix.Length..].Trim());
            return raw.Length > 4 && raw.AsSpan(0, 4).SequenceEqual(KeyHash(name, key)) && key.Verify(Encoding.UTF8.GetBytes(body), raw.AsSpan(4));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The note: the body, a blank line, the log's signature line, and the cosignature lines given.</summary>
    public static string Write(string body, string name, Sm2PublicKey key, ReadOnlySpan<byte> signature, IEnumerable<string>? cosignatureLines = null)
    {
        var note = new StringBuilder(body).Append('\n')
            .Append("— ").Append(name).Append(' ').Append(Convert.ToBase64String([.. KeyHash(name, key), .. signature])).Append('\n');
        foreach (var line in cosignatureLines ?? [])
        {
            note.Append(line.TrimEnd('\n')).Append('\n');
        }

        return note.ToString();
    }
}
