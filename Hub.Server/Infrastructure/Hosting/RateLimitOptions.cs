using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Settings under <c>Hub:RateLimit</c>: a token bucket per caller.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Hub:RateLimit";

    /// <summary>Sustained requests per second allowed to one caller.</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 5000;

    /// <summary>Requests one caller may make at once above the sustained rate.</summary>
    [Range(1, 10_000_000)]
    public int Burst { get; set; } = 10000;
}

[OptionsValidator]
internal sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;
