using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Settings under <c>Redis</c>: the optional accelerator.</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>StackExchange.Redis configuration string; empty means no Redis (in-process fallbacks).</summary>
    public string? Configuration { get; set; }

    /// <summary>Every key the hub writes starts with this, so several hubs can share one Redis.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9:_.-]{1,64}$")]
    public string KeyPrefix { get; set; } = "hub:";

    /// <summary>
    /// The longest one Redis command may take before the hub uses its fallback: far below a request's budget, as
    /// Redis only accelerates. A loopback or LAN Redis answers in well under a millisecond.
    /// </summary>
    [Range(10, 5000)]
    public int OperationTimeoutMilliseconds { get; set; } = 250;

    /// <summary>Failures (errors or timeouts) in a row after which Redis is not asked for <see cref="BreakForSeconds"/>.</summary>
    [Range(1, 1000)]
    public int BreakAfterFailures { get; set; } = 3;

    /// <summary>How long the circuit stays open before one command tries Redis again.</summary>
    [Range(1, 600)]
    public int BreakForSeconds { get; set; } = 5;

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}

[OptionsValidator]
internal sealed partial class RedisOptionsValidator : IValidateOptions<RedisOptions>;
