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
        services.AddSingleton<LiveTallies>();
        services.AddSingleton<HubMetrics>();

        // Read raw here (services are being registered); a bad value is refused by the options validation at start-up,
        // before any provider is built, so it is read leniently now.
        var otlp = configuration[TelemetryOptions.SectionName + ":OtlpEndpoint"];
        var exportOtlp = TelemetryOptions.IsCollector(otlp);
        var scrape = !int.TryParse(configuration[TelemetryOptions.SectionName + ":MetricsPort"], out var port) || port != 0;
        var telemetry = services.AddOpenTelemetry();

        // Instruments cost every call; aggregate them only when someone can read them.
        if (scrape || exportOtlp)
        {
            telemetry.WithMetrics(metrics =>
            {
                metrics.AddMeter(HubMetrics.MeterName, WitnessStatus.MeterName, "Npgsql").AddAspNetCoreInstrumentation();
                if (scrape)
                {
                    metrics.AddPrometheusExporter();
                }

                if (exportOtlp)
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(otlp!));
                }
            });
        }

        // Spans are recorded only for a collector: without one they would cost every request and go nowhere. (The
        // hub's spans exist either way for any other listener, e.g. dotnet-trace.)
        if (exportOtlp)
        {
            telemetry.WithTracing(tracing => tracing.AddSource(HubMetrics.MeterName)
                .AddAspNetCoreInstrumentation(o => o.RecordException = false)
                .AddGrpcClientInstrumentation(o => o.SuppressDownstreamInstrumentation = true)
                .AddNpgsql()
                .AddOtlpExporter(o => o.Endpoint = new Uri(otlp!)));
        }
    }

    /// <summary>
    /// The scrape endpoint: <c>/metrics</c> on the metrics port, decided by the port the request arrived on (never by
    /// its Host header, which a client chooses), so the TLS and gRPC ports never serve it.
    /// </summary>
    public static void UseTelemetry(this WebApplication app)
    {
        var port = app.Services.GetRequiredService<IOptions<TelemetryOptions>>().Value.MetricsPort;
        if (port != 0)
        {
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Connection.LocalPort == port && context.Request.Path == "/metrics");
        }

        app.UseMiddleware<MetricsPortGate>();
    }
}
