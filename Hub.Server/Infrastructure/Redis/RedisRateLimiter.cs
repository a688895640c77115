using Hub.Core.Ports;
using Hub.Server.Infrastructure.Hosting;
using Hub.Server.Infrastructure.InProcess;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Hub.Server.Infrastructure.Redis;

/// <summary>
/// Per-caller limits shared by every replica: a one-second window counted in Redis by one atomic script. When Redis
/// does not answer, this replica's own token bucket decides, so an outage neither blocks callers nor lifts the limit.
/// </summary>
public sealed class RedisRateLimiter(
    RedisConnection redis,
    InProcessRateLimiter fallback,
    IOptions<RateLimitOptions> options,
    TimeProvider time,
    ILogger<RedisRateLimiter> logger) : IRateLimiter
{
    // INCR the window's counter, give a new window its expiry, return the count.
    private const string Script = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], 2000) end
        return n
        """;

    public async ValueTask<RateLimitDecision> TryAcquireAsync(string key, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var second = now / 1000;
        try
        {
            var count = (long)await redis.RunAsync(() => redis.Database.ScriptEvaluateAsync(Script, [redis.Key($"rate:{key}:{second}")]));
            var limit = Math.Max(options.Value.PermitsPerSecond, options.Value.Burst);
            return count <= limit
                ? RateLimitDecision.Allow
                : new RateLimitDecision(false, TimeSpan.FromMilliseconds(1000 - (now % 1000)));
        }
        catch (RedisException e)
        {
            if (e is not RedisCircuitOpenException)
            {
                logger.RedisUnavailable("rate limit", e.GetType().Name);
            }

            return await fallback.TryAcquireAsync(key, cancellationToken);
        }
    }
}
