using Microsoft.Extensions.Diagnostics.HealthChecks;
using Hub.Server.Infrastructure.Hosting;
using StackExchange.Redis;

namespace Hub.Server.Infrastructure.Redis;

/// <summary>Reports whether the configured Redis answers PING. The hub serves without it, so this is not critical.</summary>
internal sealed class RedisHealthCheck(RedisConnection redis, TimeProvider time) : MemoizedHealthCheck(time)
{
    protected override async Task<HealthCheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            var latency = await redis.RunAsync(() => redis.Database.PingAsync());
            return HealthCheckResult.Healthy($"Redis answers in {latency.TotalMilliseconds:0.0} ms");
        }
        catch (RedisException e)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer; in-process fallbacks are in use", e);
        }
    }
}
