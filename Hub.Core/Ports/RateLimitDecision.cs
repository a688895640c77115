namespace Hub.Core.Ports;

/// <summary>Whether a request may proceed, and if not, when to retry.</summary>
public readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter)
{
    public static RateLimitDecision Allow { get; } = new(true, TimeSpan.Zero);
}
