using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>
/// A health check that remembers its last answer for one second: probes, load balancers and monitors may ask as
/// often as they like without each question becoming a database or Redis round trip.
/// </summary>
internal abstract class MemoizedHealthCheck(TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);
    private volatile Answer? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_last is { } last && time.GetUtcNow() - last.At < Lifetime)
        {
            return last.Result;
        }

        var result = await ProbeAsync(cancellationToken);
        _last = new Answer(time.GetUtcNow(), result);
        return result;
    }

    // A reference, so a reader sees a whole answer or none (a struct could be read half-written).
    private sealed record Answer(DateTimeOffset At, HealthCheckResult Result);

    protected abstract Task<HealthCheckResult> ProbeAsync(CancellationToken cancellationToken);
}
