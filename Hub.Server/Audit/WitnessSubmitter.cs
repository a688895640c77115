using System.Globalization;
using System.Text;
using Hub.Server.Keys;
using Hub.Signing.Merkle;
using Microsoft.Extensions.Options;

namespace Hub.Server.Audit;

/// <summary>
/// Sends each new checkpoint to every configured witness (C2SP tlog-witness): the note, the size the witness last
/// cosigned (learned from its 409 answer when unknown) and the consistency proof from it. Keeps the cosignatures
/// that verify with the witness's key; a witness that refuses or does not answer is logged (once, until it answers
/// otherwise), shown in the health check
/// and the metrics (<see cref="WitnessStatus"/>), asked again at the next checkpoint interval, and never stops the log.
/// </summary>
public sealed class WitnessSubmitter(
    IOptions<AuditOptions> options,
    IAuditStore proofs,
    ICheckpointStore store,
    ISigningKeyRing keys,
    IHttpClientFactory http,
    WitnessStatus status,
    TimeProvider time,
    ILogger<WitnessSubmitter> logger)
{
    public const string HttpClientName = "witness";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, long> _lastCosigned = [];

    /// <summary>Sends the latest checkpoint to every witness that has not cosigned it yet and keeps the cosignatures that verify.</summary>
    public async Task SubmitLatestAsync(CancellationToken cancellationToken)
    {
        var witnesses = options.Value.Witnesses;
        if (witnesses.Count == 0 || await proofs.LatestCheckpointAsync(cancellationToken) is not { } latest
            || await keys.FindAsync(latest.KeyId, cancellationToken) is not { } signer)
        {
            return;
        }

        var body = latest.Checkpoint;
        var treeSize = Checkpoint.Parse(body).TreeSize;
        var note = CheckpointNote.Write(body, options.Value.Origin, signer.PublicKey, latest.Signature.Span);
        foreach (var witness in witnesses)
        {
            if (!Cosignature.TryParseVerifierKey(witness.VerifierKey, out var name, out var publicKey))
            {
                continue; // refused at start-up by AuditOptions' validation
            }

            if (_lastCosigned.GetValueOrDefault(name) == treeSize)
            {
                continue;
            }

            try
            {
                if (await CosignAsync(witness.Url, name, publicKey, treeSize, body, note, cancellationToken) is { } line)
                {
                    await store.AddCosignatureAsync(treeSize, name, line, time.GetUtcNow(), cancellationToken);
                    if (status.Cosigned(name, treeSize))
                    {
                        logger.WitnessCosigned(name, treeSize);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                var why = e is HttpRequestException { HttpRequestError: var error }
                    ? $"{e.GetType().Name}: {error}"
                    : string.Create(CultureInfo.InvariantCulture, $"no answer within {Timeout.TotalSeconds:0} s");
                if (status.Unreachable(name, why))
                {
                    logger.WitnessUnreachable(name, why);
                }
            }
        }
    }

    private async Task<string?> CosignAsync(string url, string name, byte[] publicKey, long treeSize, string body, string note, CancellationToken cancellationToken)
    {
        var client = http.CreateClient(HttpClientName);
        client.Timeout = Timeout;
        var old = _lastCosigned.GetValueOrDefault(name);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var proof = old > 0 && old < treeSize ? await proofs.ConsistencyProofAsync(old, treeSize, cancellationToken) : [];
            var request = string.Create(CultureInfo.InvariantCulture, $"old {old}\n") + string.Concat(proof.Select(p => Convert.ToBase64String(p) + "\n")) + "\n" + note;
            using var response = await client.PostAsync(
                new Uri(new Uri(url.TrimEnd('/') + "/"), "add-checkpoint"), new StringContent(request, Encoding.UTF8, "text/plain"), cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            if ((int)response.StatusCode == 409 && long.TryParse(answer.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var latest) && latest <= treeSize)
            {
                old = latest; // the witness cosigned up to there: prove the extension from it
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                var why = answer.Length > 200 ? answer[..200] : answer.Trim();
                if (status.Refused(name, string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode} for size {treeSize} from old size {old}: {why}")))
                {
                    logger.WitnessRefused(name, (int)response.StatusCode, why);
                }

                return null;
            }

            var line = answer.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(l => Cosignature.Verify(l, name, publicKey, body) is not null);
            if (line is null)
            {
                if (status.Refused(name, "its answer holds no cosignature that verifies with its key"))
                {
                    logger.WitnessRefused(name, (int)response.StatusCode, "no cosignature that verifies with its key");
                }

                return null;
            }

            _lastCosigned[name] = treeSize;
            return line;
        }

        if (status.Refused(name, string.Create(CultureInfo.InvariantCulture, $"HTTP 409 again for size {treeSize}: its latest size moved while the hub proved the extension")))
        {
            logger.WitnessRefused(name, 409, "its latest size moved while the hub proved the extension");
        }

        return null;
    }
}
