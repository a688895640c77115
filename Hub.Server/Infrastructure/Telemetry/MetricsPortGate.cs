using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Telemetry;

/// <summary>
/// The metrics port serves <c>/metrics</c> and nothing else: no REST route, no gRPC, so a plain-text loopback port
/// opened for a scraper is never a way around the TLS port.
/// </summary>
internal sealed class MetricsPortGate(RequestDelegate next, IOptions<TelemetryOptions> options)
{
    private readonly int _port = options.Value.MetricsPort;

    public Task InvokeAsync(HttpContext context)
    {
        if (_port != 0 && context.Connection.LocalPort == _port && !context.Request.Path.Equals("/metrics", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return context.Response.WriteAsync("only /metrics is served on this port\n");
        }

        return next(context);
    }
}
