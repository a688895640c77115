using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Settings under <c>Hub</c>: where the hub keeps local state and the limits on every request.</summary>
public sealed class HubOptions
{
    public const string SectionName = "Hub";

    /// <summary>Local state (embedded cluster record, generated keys and certificates); relative to the working folder.</summary>
    [Required]
    public string StateDirectory { get; set; } = ".hub";

    /// <summary>Largest gRPC message accepted or sent, in bytes.</summary>
    [Range(64 * 1024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    public string StatePath => Path.GetFullPath(StateDirectory);
}

/// <summary>Settings under <c>Hub:Endpoints</c>: where the hub listens.</summary>
public sealed class EndpointOptions
{
    public const string SectionName = "Hub:Endpoints";

    /// <summary>Address both ports bind to; loopback unless the operator opens it.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Plain-text HTTP/2 (h2c) gRPC port.</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 5000;

    /// <summary>TLS port serving gRPC and HTTP/1.1; 0 turns it off.</summary>
    [Range(0, 65535)]
    public int TlsPort { get; set; } = 5001;

    /// <summary>PEM certificate for the TLS port; generated self-signed under the state folder when empty.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key for <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }
}

/// <summary>Settings under <c>Hub:Embedded</c>: the private PostgreSQL used when no connection string is set.</summary>
public sealed class EmbeddedOptions
{
    public const string SectionName = "Hub:Embedded";

    /// <summary>Folder holding initdb and pg_ctl; found automatically when empty.</summary>
    public string? PostgresBinDirectory { get; set; }

    [Range(1024, 65535)]
    public int PreferredPort { get; set; } = 55432;
}

/// <summary>Settings under <c>Hub:Bootstrap</c>: the first ADMIN caller, created when none exists.</summary>
public sealed class BootstrapOptions
{
    public const string SectionName = "Hub:Bootstrap";

    /// <summary>The bootstrap ADMIN's API key in production (at least 32 characters); the embedded default generates one.</summary>
    [MinLength(32)]
    public string? AdminApiKey { get; set; }

    /// <summary>统一社会信用代码 recorded for the bootstrap ADMIN.</summary>
    [Required]
    public string OrgCode { get; set; } = "11610100MB0000000J";

    [Required]
    public string OrgName { get; set; } = "西安市数据局";
}

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

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}

[OptionsValidator]
internal sealed partial class HubOptionsValidator : IValidateOptions<HubOptions>;

[OptionsValidator]
internal sealed partial class EndpointOptionsValidator : IValidateOptions<EndpointOptions>;

[OptionsValidator]
internal sealed partial class EmbeddedOptionsValidator : IValidateOptions<EmbeddedOptions>;

[OptionsValidator]
internal sealed partial class BootstrapOptionsValidator : IValidateOptions<BootstrapOptions>;

[OptionsValidator]
internal sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;

[OptionsValidator]
internal sealed partial class RedisOptionsValidator : IValidateOptions<RedisOptions>;
