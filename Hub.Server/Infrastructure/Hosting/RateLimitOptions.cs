using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Settings under <c>Hub:RateLimit</c>: a token bucket per caller, and a limit on failed authentications per peer.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Hub:RateLimit";

    /// <summary>Sustained requests per second allowed to one caller.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 5000;

    /// <summary>Requests one caller may make at once above the sustained rate.</summary>
    [Range(1, 10_000_000)]
    public int Burst { get; set; } = 10000;

    /// <summary>
    /// Failed authentications (unknown, malformed or expired credentials) one peer address may make per minute; past
    /// it, every call from that address is refused with RESOURCE_EXHAUSTED AUTHENTICATION_THROTTLED until the minute ends.
    /// </summary>
    [Range(1, 1_000_000)]
    public int FailedAuthenticationsPerMinute { get; set; } = 60;
}

[OptionsValidator]
internal sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;
