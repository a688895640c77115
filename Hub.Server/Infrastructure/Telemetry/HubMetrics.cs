using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Hub.Server.Infrastructure.Telemetry;

/// <summary>
/// The hub's own instruments (meter <c>Hub</c>), beside ASP.NET Core's, Npgsql's and the audit log's. Tags name
/// methods, reasons, outcomes and organisations — never a holder, a purpose or any other personal or free text.
/// </summary>
public sealed class HubMetrics
{
    public const string MeterName = "Hub";

    /// <summary>Activities the hub starts itself (spans around provider calls), for traces.</summary>
    public static readonly ActivitySource Activities = new(MeterName);

    private readonly Histogram<double> _rpcDuration;
    private readonly Counter<long> _refusals;
    private readonly Histogram<double> _providerDuration;

    public HubMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _rpcDuration = meter.CreateHistogram<double>(
            "hub.rpc.server.duration", unit: "s", description: "RPCs by method and gRPC status (REST calls included, by their RPC)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _refusals = meter.CreateCounter<long>("hub.limits.refusals", unit: "{call}", description: "Calls refused by a limit, by reason (RATE_LIMITED, AUTHENTICATION_THROTTLED, HOLDER_LIMIT_EXCEEDED, GUESS_LIMIT_EXCEEDED)");
        _providerDuration = meter.CreateHistogram<double>(
            "hub.provider.duration", unit: "s", description: "Calls to data providers, by provider organisation and outcome (found, not_found, or the refusal reason)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
    }

    public void Rpc(string method, string status, TimeSpan elapsed) =>
        _rpcDuration.Record(elapsed.TotalSeconds, new TagList { { "rpc.method", method }, { "rpc.grpc.status_code", status } });

    public void Refused(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ProviderCall(string providerOrgCode, string outcome, TimeSpan elapsed) =>
        _providerDuration.Record(elapsed.TotalSeconds, new TagList { { "provider", providerOrgCode }, { "outcome", outcome } });
}
