using System.Threading.RateLimiting;
using Hub.Core.Ports;
using Hub.Server.Infrastructure.Hosting;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.InProcess;

/// <summary>A token bucket per key in this replica's memory (and the fallback while Redis is down).</summary>
public sealed class InProcessRateLimiter : IRateLimiter, IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    public InProcessRateLimiter(IOptions<RateLimitOptions> options)
    {
        var settings = options.Value;
        // Refill ten times a second when the rate allows whole tokens per tenth, else once a second.
        var fine = settings.PermitsPerSecond >= 10;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.Burst,
            TokensPerPeriod = fine ? settings.PermitsPerSecond / 10 : settings.PermitsPerSecond,
            ReplenishmentPeriod = fine ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        };

        // One factory for every partition, made here: a lambda built inside the partitioner would be a new delegate per call.
        Func<string, TokenBucketRateLimiterOptions> bucketFor = _ => bucket;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetTokenBucketLimiter(key, bucketFor));
    }

    public ValueTask<RateLimitDecision> TryAcquireAsync(string key, CancellationToken cancellationToken)
    {
        using var lease = _limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return ValueTask.FromResult(RateLimitDecision.Allow);
        }

        var retry = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMilliseconds(100);
        return ValueTask.FromResult(new RateLimitDecision(false, retry));
    }

    public void Dispose() => _limiter.Dispose();
}
