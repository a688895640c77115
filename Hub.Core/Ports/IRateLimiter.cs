namespace Hub.Core.Ports;

/// <summary>Per-caller request budget: Redis when configured (shared by replicas), in-process otherwise.</summary>
public interface IRateLimiter
{
    ValueTask<RateLimitDecision> TryAcquireAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Whether a request may proceed, and if not, when to retry.</summary>
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allow { get; } = new(true, TimeSpan.Zero);
}
