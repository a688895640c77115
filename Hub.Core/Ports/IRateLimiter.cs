namespace Hub.Core.Ports;

/// <summary>Per-caller request budget: Redis when configured (shared by replicas), in-process otherwise.</summary>
public interface IRateLimiter
{
    ValueTask<RateLimitDecision> TryAcquireAsync(string key, CancellationToken cancellationToken);
}
