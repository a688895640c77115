using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hub.Server.Audit;

/// <summary>How a witness last answered a checkpoint the hub sent it.</summary>
public enum WitnessOutcome
{
    Cosigned,
    Refused,
    Unreachable,
}

/// <summary>
/// What the hub last heard from each witness, kept by <see cref="WitnessSubmitter"/> and read by the health check
/// ("witnesses") and the metrics (meter <c>Hub.Audit</c>): a witness that refuses or does not answer shows there and
/// in the log, and the log goes on without its cosignature.
/// </summary>
public sealed class WitnessStatus
{
    public const string MeterName = "Hub.Audit";
    private readonly ConcurrentDictionary<string, WitnessAnswer> _answers = new(StringComparer.Ordinal);
    private readonly Counter<long> _submissions;

    public WitnessStatus(IMeterFactory meters, TimeProvider time)
    {
        Time = time;
        var meter = meters.Create(MeterName);
        _submissions = meter.CreateCounter<long>(
            "hub.audit.witness.submissions", unit: "{checkpoint}", description: "Checkpoints sent to a witness, by witness and outcome (cosigned, refused, unreachable)");
        meter.CreateObservableGauge(
            "hub.audit.witness.up", () => _answers.Select(a => new Measurement<int>(a.Value.Outcome == WitnessOutcome.Cosigned ? 1 : 0, Tag(a.Key))),
            description: "1 when the witness cosigned the last checkpoint sent to it, else 0");
        meter.CreateObservableGauge(
            "hub.audit.witness.cosigned_tree_size", () => _answers.Where(a => a.Value.CosignedTreeSize > 0).Select(a => new Measurement<long>(a.Value.CosignedTreeSize, Tag(a.Key))),
            unit: "{entry}", description: "The largest tree size the witness has cosigned");
    }

    private TimeProvider Time { get; }

    /// <summary>Each witness's last answer, by witness name.</summary>
    public IReadOnlyDictionary<string, WitnessAnswer> Answers => _answers;

    // Each returns whether the witness answered otherwise than last time (a first cosignature is no news), so the log
    // says so once, not at every interval.
    public bool Cosigned(string witness, long treeSize) =>
        Record(witness, WitnessOutcome.Cosigned, $"cosigned size {treeSize}", treeSize);

    public bool Refused(string witness, string why) =>
        Record(witness, WitnessOutcome.Refused, why, _answers.TryGetValue(witness, out var last) ? last.CosignedTreeSize : 0);

    public bool Unreachable(string witness, string why) =>
        Record(witness, WitnessOutcome.Unreachable, why, _answers.TryGetValue(witness, out var last) ? last.CosignedTreeSize : 0);

    private bool Record(string witness, WitnessOutcome outcome, string detail, long cosigned)
    {
        var changed = _answers.TryGetValue(witness, out var last) ? last.Outcome != outcome : outcome != WitnessOutcome.Cosigned;
        _answers[witness] = new WitnessAnswer(outcome, detail, cosigned, Time.GetUtcNow());
        _submissions.Add(1, Tag(witness), new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));
        return changed;
    }

    private static KeyValuePair<string, object?> Tag(string witness) => new("witness", witness);
}

/// <summary>A witness's last answer: how, in words (never personal data: checkpoints hold none), and what it had cosigned by then.</summary>
public sealed record WitnessAnswer(WitnessOutcome Outcome, string Detail, long CosignedTreeSize, DateTimeOffset At);

/// <summary>
/// Unhealthy while any witness refused or did not answer the last checkpoint sent to it. Not a critical check: the
/// hub serves and the log grows without witnesses; what suffers is the auditors' quorum.
/// </summary>
internal sealed class WitnessHealthCheck(WitnessStatus status) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = status.Answers.Where(a => a.Value.Outcome != WitnessOutcome.Cosigned).ToList();
        var report = string.Join("; ", status.Answers.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value.Outcome.ToString().ToLowerInvariant()} ({a.Value.Detail})"));
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy(status.Answers.Count == 0 ? "no checkpoint sent to a witness yet" : report)
            : HealthCheckResult.Unhealthy(report));
    }
}
