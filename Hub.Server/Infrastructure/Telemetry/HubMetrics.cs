using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Memory;

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
    private readonly Histogram<long> _appendBatch;
    private readonly Counter<long> _importRows;
    private readonly Histogram<double> _deliveryLag;
    private readonly ConcurrentDictionary<string, MemoryCache> _caches = new(StringComparer.Ordinal);
    // The same figures kept in memory for the web console's dashboard.
    private readonly LiveTallies _tallies;
    private long _checkpointLag = -1;

    public HubMetrics(IMeterFactory meters, LiveTallies tallies)
    {
        _tallies = tallies;
        var meter = meters.Create(MeterName);
        _rpcDuration = meter.CreateHistogram<double>(
            "hub.rpc.server.duration", unit: "s", description: "RPCs by method and gRPC status (REST calls included, by their RPC)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _refusals = meter.CreateCounter<long>("hub.limits.refusals", unit: "{call}", description: "Calls refused by a limit, by reason (RATE_LIMITED, AUTHENTICATION_THROTTLED, HOLDER_LIMIT_EXCEEDED, GUESS_LIMIT_EXCEEDED)");
        _providerDuration = meter.CreateHistogram<double>(
            "hub.provider.duration", unit: "s", description: "Calls to data providers, by provider organisation and outcome (found, not_found, or the refusal reason)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _appendBatch = meter.CreateHistogram<long>(
            "hub.audit.append.batch_size", unit: "{entry}", description: "Entries sequenced into the access log by one group commit of this replica",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000] });
        meter.CreateObservableGauge(
            "hub.audit.checkpoint.lag", () => Interlocked.Read(ref _checkpointLag) is var lag and >= 0 ? [new Measurement<long>(lag)] : Array.Empty<Measurement<long>>(),
            unit: "{entry}", description: "Entries in the log not yet covered by a signed checkpoint (reported by the checkpoint leader)");
        _importRows = meter.CreateCounter<long>("hub.import.rows", unit: "{row}", description: "归集 rows by outcome (imported, already_present, rejected); its rate is rows per second");
        _deliveryLag = meter.CreateHistogram<double>(
            "hub.events.delivery.lag", unit: "s", description: "From a change event's time to its delivery, by channel (webhook, stream)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] });
        meter.CreateObservableCounter("hub.cache.requests", ObserveCaches, unit: "{request}", description: "Cache lookups by cache and result (hit, miss); hits / all is the hit ratio");
    }

    public void Rpc(string method, string status, TimeSpan elapsed)
    {
        _rpcDuration.Record(elapsed.TotalSeconds, new TagList { { "rpc.method", method }, { "rpc.grpc.status_code", status } });
        _tallies.Rpc(method, status != "OK", elapsed);
    }

    public void Refused(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void AppendBatch(int entries) => _appendBatch.Record(entries);

    public void CheckpointLag(long pending) => Interlocked.Exchange(ref _checkpointLag, pending);

    public void ImportRows(uint imported, uint alreadyPresent, uint rejected)
    {
        _importRows.Add(imported, new KeyValuePair<string, object?>("outcome", "imported"));
        _importRows.Add(alreadyPresent, new KeyValuePair<string, object?>("outcome", "already_present"));
        _importRows.Add(rejected, new KeyValuePair<string, object?>("outcome", "rejected"));
    }

    /// <summary>An event handed to a subscriber: <paramref name="channel"/> is "webhook" or "stream" (a resumed stream's backlog counts too).</summary>
    public void Delivered(TimeSpan lag, string channel) => _deliveryLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("channel", channel));

    /// <summary>Reports a cache's hits and misses (its own statistics, so lookups pay nothing extra).</summary>
    public void ObserveCache(string name, MemoryCache cache) => _caches[name] = cache;

    private IEnumerable<Measurement<long>> ObserveCaches()
    {
        foreach (var (name, cache) in _caches)
        {
            if (cache.GetCurrentStatistics() is { } statistics)
            {
                yield return new Measurement<long>(statistics.TotalHits, new KeyValuePair<string, object?>("cache", name), new KeyValuePair<string, object?>("result", "hit"));
                yield return new Measurement<long>(statistics.TotalMisses, new KeyValuePair<string, object?>("cache", name), new KeyValuePair<string, object?>("result", "miss"));
            }
        }
    }

    public void ProviderCall(string providerOrgCode, string outcome, TimeSpan elapsed)
    {
        _providerDuration.Record(elapsed.TotalSeconds, new TagList { { "provider", providerOrgCode }, { "outcome", outcome } });
        _tallies.Provider(providerOrgCode, outcome, elapsed);
    }
}
