using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Telemetry;

/// <summary>Settings under <c>Hub:Telemetry</c>: the Prometheus scrape port and the optional OTLP export.</summary>
public sealed class TelemetryOptions : IValidatableObject
{
    public const string SectionName = "Hub:Telemetry";

    /// <summary>Port of the Prometheus scrape endpoint (<c>/metrics</c>, plain HTTP); 0 turns it off.</summary>
    [Range(0, 65535)]
    public int MetricsPort { get; set; } = 9464;

    /// <summary>Address the metrics port binds to: loopback unless a scraper elsewhere needs it.</summary>
    public string MetricsAddress { get; set; } = "127.0.0.1";

    /// <summary>OTLP collector (e.g. http://127.0.0.1:4317) for traces and metrics; empty: no export.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>Whether <paramref name="endpoint"/> names a collector: an absolute http or https address.</summary>
    public static bool IsCollector(string? endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!System.Net.IPAddress.TryParse(MetricsAddress, out _))
        {
            yield return new ValidationResult($"Hub:Telemetry:MetricsAddress must be an IP address such as 127.0.0.1 (given: {MetricsAddress}).", [nameof(MetricsAddress)]);
        }

        if (!string.IsNullOrWhiteSpace(OtlpEndpoint) && !IsCollector(OtlpEndpoint))
        {
            yield return new ValidationResult($"Hub:Telemetry:OtlpEndpoint must be an http:// or https:// address such as http://127.0.0.1:4317, or empty (given: {OtlpEndpoint}).", [nameof(OtlpEndpoint)]);
        }
    }
}

[OptionsValidator]
internal sealed partial class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>;
