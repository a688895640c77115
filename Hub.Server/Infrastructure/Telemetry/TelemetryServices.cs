using Hub.Server.Audit;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Hub.Server.Infrastructure.Telemetry;

/// <summary>
/// OpenTelemetry for the hub: metrics (the hub's, the audit log's, ASP.NET Core's, Npgsql's) scraped by Prometheus
/// on their own port, and traces across hub → PostgreSQL → provider; both exported over OTLP when a collector is
/// configured. Instrumentation records no request or response content: no personal data in any attribute.
/// </summary>
public static class TelemetryServices
{
    public static void AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<HubMetrics>();
        var otlp = configuration[TelemetryOptions.SectionName + ":OtlpEndpoint"];
        var telemetry = services.AddOpenTelemetry()
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(HubMetrics.MeterName, WitnessStatus.MeterName, "Npgsql")
                    .AddAspNetCoreInstrumentation()
                    .AddPrometheusExporter();
                if (!string.IsNullOrWhiteSpace(otlp))
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp));
                }
            });

        // Spans are recorded only for a collector: without one they would cost every request and go nowhere. (The
        // hub's spans exist either way for any other listener, e.g. dotnet-trace.)
        if (!string.IsNullOrWhiteSpace(otlp))
        {
            telemetry.WithTracing(tracing => tracing.AddSource(HubMetrics.MeterName)
                .AddAspNetCoreInstrumentation(o => o.RecordException = false)
                .AddGrpcClientInstrumentation(o => o.SuppressDownstreamInstrumentation = true)
                .AddNpgsql()
                .AddOtlpExporter(o => o.Endpoint = new Uri(otlp)));
        }
    }

    /// <summary>The scrape endpoint, on the metrics port only.</summary>
    public static void MapTelemetry(this WebApplication app)
    {
        var port = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.MetricsPort;
        if (port != 0)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"*:{port}");
        }
    }
}
