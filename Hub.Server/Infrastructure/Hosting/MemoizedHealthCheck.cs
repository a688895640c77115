using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>
/// A health check that remembers its last answer for one second, and asks once however many probes arrive together:
/// probes, load balancers and monitors may ask as often as they like without each question becoming a database or
/// Redis round trip. Registered as a singleton (HubHostingExtensions) — <c>AddCheck&lt;T&gt;</c> alone would build a
/// new check, with an empty memory, for every call.
/// </summary>
internal abstract class MemoizedHealthCheck(TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private volatile Answer? _last;
    private Task<Answer>? _probe;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (Fresh() is { } last)
        {
            return last.Result;
        }

        Task<Answer> probe;
        lock (_gate)
        {
            if (Fresh() is { } answered)
            {
                return answered.Result;
            }

            probe = _probe is { IsCompleted: false } running ? running : _probe = ProbeOnceAsync();
        }

        return (await probe.WaitAsync(cancellationToken)).Result;
    }

    protected abstract Task<HealthCheckResult> ProbeAsync(CancellationToken cancellationToken);

    private Answer? Fresh() => _last is { } last && time.GetUtcNow() - last.At < Lifetime ? last : null;

    // Not the first caller's token: the probe's answer is shared, so one impatient caller must not fail the others.
    private async Task<Answer> ProbeOnceAsync()
    {
        await Task.Yield();
        using var timeout = new CancellationTokenSource(ProbeTimeout);
        HealthCheckResult result;
        try
        {
            result = await ProbeAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            result = HealthCheckResult.Unhealthy($"no answer within {ProbeTimeout.TotalSeconds:0} s");
        }

        var answer = new Answer(time.GetUtcNow(), result);
        _last = answer;
        return answer;
    }

    // A reference, so a reader sees a whole answer or none (a struct could be read half-written).
    private sealed record Answer(DateTimeOffset At, HealthCheckResult Result);
}
