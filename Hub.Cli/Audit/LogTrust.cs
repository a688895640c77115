using System.CommandLine;
using System.Globalization;
using Hub.Signing.Merkle;
using Hub.Signing.Sm2;

namespace Hub.Cli.Audit;

/// <summary>
/// What an auditor trusts, given on the command line and never taken from the hub being audited: the log keys they
/// pinned (<c>--public-key FILE</c>, repeatable, or <c>--trusted-keys DIR</c> / HUB_TRUSTED_KEYS — e.g. what
/// <c>hubctl keys list --save-pem DIR</c> saved once and was checked out of band) and the log's origin
/// (<c>--origin</c> / HUB_LOG_ORIGIN). The hub may only add revocations to the pinned keys, never keys.
/// </summary>
internal sealed class LogTrust
{
    public const string DefaultOrigin = "hub.xa.gov.cn/access-log";

    /// <summary>Beside a saved key, <c>&lt;key_id&gt;.revoked</c> holds when it was revoked (ISO 8601).</summary>
    public const string RevokedSuffix = ".revoked";

    public Option<FileInfo[]> PublicKeys { get; } = new("--public-key")
    {
        Description = "A pinned log key (PEM); repeat for several",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<DirectoryInfo?> TrustedKeys { get; } = new("--trusted-keys")
    {
        Description = "A folder of pinned log keys (*.pem, as `hubctl keys list --save-pem` writes them; env HUB_TRUSTED_KEYS)",
    };

    public Option<string?> Origin { get; } = new("--origin")
    {
        Description = $"The log's origin line to expect (env HUB_LOG_ORIGIN; default {DefaultOrigin})",
    };

    public Option<string[]> Witnesses { get; } = new("--witness")
    {
        Description = "A witness you trust: its verifier key (name+keyid+base64) or a witness.vkey file; repeat for several",
    };

    public Option<int?> Quorum { get; } = new("--quorum")
    {
        Description = "How many of the --witness keys must have cosigned the checkpoint (default: 1 when any is given)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(PublicKeys);
        command.Options.Add(TrustedKeys);
        command.Options.Add(Origin);
        command.Options.Add(Witnesses);
        command.Options.Add(Quorum);
    }

    /// <summary>
    /// Whether enough trusted witnesses cosigned the checkpoint body in <paramref name="note"/> (none is asked for
    /// without --witness), and by when they all had: a witness that cosigned proves the hub showed it this same
    /// history, and its timestamp proves the checkpoint existed then (so a key revoked later still counts for it).
    /// </summary>
    public Witnessing Witnessed(ParseResult parsed, string body, string? note)
    {
        var witnesses = new List<(string Name, byte[] Key)>();
        foreach (var given in parsed.GetValue(Witnesses) ?? [])
        {
            var text = File.Exists(given) ? File.ReadAllText(given) : given;
            if (!Cosignature.TryParseVerifierKey(text, out var name, out var key))
            {
                throw new CliUsageException($"--witness {given}: not a witness verifier key (name+keyid+base64) nor a file holding one.");
            }

            witnesses.Add((name, key));
        }

        var quorum = parsed.GetValue(Quorum) ?? (witnesses.Count > 0 ? 1 : 0);
        if (quorum > witnesses.Count)
        {
            throw new CliUsageException($"--quorum {quorum} is more than the {witnesses.Count} --witness keys given.");
        }

        if (quorum == 0)
        {
            return new Witnessing(null, null);
        }

        var lines = note is null ? [] : CheckpointNote.Split(note)?.Lines ?? [];
        var cosigned = witnesses
            .Select(w => (w.Name, Time: lines.Select(l => Cosignature.Verify(l, w.Name, w.Key, body)).FirstOrDefault(t => t is not null)))
            .Where(w => w.Time is not null)
            .OrderBy(w => w.Time)
            .ToList();
        return cosigned.Count >= quorum
            ? new Witnessing(null, DateTimeOffset.FromUnixTimeSeconds((long)cosigned[quorum - 1].Time!.Value))
            : new Witnessing(
                $"{cosigned.Count} of the {quorum} witness cosignatures required ({(cosigned.Count == 0 ? "none" : string.Join(", ", cosigned.Select(c => c.Name)))} cosigned this checkpoint)",
                null);
    }

    public string ExpectedOrigin(ParseResult parsed) =>
        parsed.GetValue(Origin) ?? Environment.GetEnvironmentVariable("HUB_LOG_ORIGIN") ?? DefaultOrigin;

    /// <summary>The pinned keys; a usage error when none is given, so nothing is ever checked against the hub's own word.</summary>
    public List<LogKey> Pinned(ParseResult parsed)
    {
        var files = new List<FileInfo>(parsed.GetValue(PublicKeys) ?? []);
        var folder = parsed.GetValue(TrustedKeys)
            ?? (Environment.GetEnvironmentVariable("HUB_TRUSTED_KEYS") is { Length: > 0 } path ? new DirectoryInfo(path) : null);
        if (folder is not null)
        {
            if (!folder.Exists)
            {
                throw new CliUsageException($"--trusted-keys {folder.FullName} does not exist.");
            }

            files.AddRange(folder.GetFiles("*.pem").Where(f => f.Name != "document-certificate.pem"));
        }

        if (files.Count == 0)
        {
            throw new CliUsageException(
                "pin the log's keys: --public-key FILE or --trusted-keys DIR (or HUB_TRUSTED_KEYS). Save them once with "
                + "`hubctl keys list --save-pem DIR` and check their key ids out of band; a key the audited hub hands over proves nothing.");
        }

        var keys = new List<LogKey>();
        foreach (var file in files)
        {
            if (!file.Exists)
            {
                throw new CliUsageException($"--public-key {file.FullName} does not exist.");
            }

            Sm2PublicKey key;
            try
            {
                key = Sm2PublicKey.FromPem(File.ReadAllText(file.FullName));
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
            {
                throw new CliUsageException($"{file.Name} is not an SM2 public key in PEM.");
            }

            var marker = Path.Combine(file.DirectoryName!, key.KeyId + RevokedSuffix);
            DateTimeOffset? revoked = File.Exists(marker)
                ? DateTimeOffset.Parse(File.ReadAllText(marker).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : null;
            keys.Add(new LogKey(key, revoked));
        }

        return keys;
    }

    /// <summary>The pinned keys with the revocations the hub reports added (a revocation can only make a verifier refuse more).</summary>
    public static List<LogKey> WithRevocations(List<LogKey> pinned, Hub.Verification.V1.GetSigningKeysResponse hubKeys) =>
        [.. pinned.Select(k => hubKeys.Keys.FirstOrDefault(h => h.KeyId == k.KeyId && h.Status == Hub.Verification.V1.KeyStatus.Revoked) is { } revoked
            ? k with { RevokedAt = Earliest(k.RevokedAt, revoked.NotAfter?.ToDateTimeOffset() ?? DateTimeOffset.MinValue) }
            : k)];

    private static DateTimeOffset Earliest(DateTimeOffset? pinned, DateTimeOffset reported) =>
        pinned is { } p && p < reported ? p : reported;
}

/// <summary>Null <see cref="Problem"/> when the required witnesses cosigned; <see cref="By"/> when the last of the quorum did.</summary>
internal sealed record Witnessing(string? Problem, DateTimeOffset? By);
