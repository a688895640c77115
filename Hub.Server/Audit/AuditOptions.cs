using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Audit;

/// <summary>Settings under <c>Hub:Audit</c>: the log's origin line, how often checkpoints are signed, and the witnesses.</summary>
public sealed class AuditOptions : IValidatableObject
{
    public const string SectionName = "Hub:Audit";

    /// <summary>The checkpoint origin line: names this log (a schema-less URL by C2SP convention).</summary>
    [Required]
    [RegularExpression(@"^[^\s]{1,200}$")]
    public string Origin { get; set; } = "hub.xa.gov.cn/access-log";

    /// <summary>
    /// How long entries may wait for a checkpoint: one is written at least this often while entries arrive. 500 ms keeps
    /// the p99 checkpoint lag under a second at 35k appends/s on a 2-core machine (docs/benchmarks.md).
    /// </summary>
    [Range(50, 3_600_000)]
    public int CheckpointIntervalMilliseconds { get; set; } = 500;

    /// <summary>…or as soon as this many entries wait for one.</summary>
    [Range(1, 10_000_000)]
    public int CheckpointAfterEntries { get; set; } = 10_000;

    /// <summary>
    /// Witnesses every new checkpoint is sent to (C2SP tlog-witness): <c>Hub:Audit:Witnesses:N:Url</c> (the witness's
    /// base URL; <c>/add-checkpoint</c> is added) and <c>:VerifierKey</c> (its <c>name+keyid+base64</c> key).
    /// </summary>
    public List<WitnessOptions> Witnesses { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Witnesses.Count; i++)
        {
            if (!Uri.TryCreate(Witnesses[i].Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                yield return new ValidationResult($"Hub:Audit:Witnesses:{i}:Url '{Witnesses[i].Url}' is not an http(s) URL.", [nameof(Witnesses)]);
            }

            if (!Hub.Signing.Merkle.Cosignature.TryParseVerifierKey(Witnesses[i].VerifierKey, out _, out _))
            {
                yield return new ValidationResult($"Hub:Audit:Witnesses:{i}:VerifierKey is not a cosignature/v1 verifier key (name+keyid+base64, the witness's witness.vkey).", [nameof(Witnesses)]);
            }
        }
    }
}

/// <summary>One witness of the log.</summary>
public sealed class WitnessOptions
{
    public string Url { get; set; } = string.Empty;

    public string VerifierKey { get; set; } = string.Empty;
}

[OptionsValidator]
internal sealed partial class AuditOptionsValidator : IValidateOptions<AuditOptions>;
