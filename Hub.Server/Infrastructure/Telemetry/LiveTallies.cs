using System.Collections.Concurrent;

namespace Hub.Server.Infrastructure.Telemetry;

/// <summary>
/// This replica's running figures for the web console's dashboard: calls and average response time by RPC since
/// start, the last 60 minutes minute by minute, and each data provider's calls and failures. Prometheus has the same
/// and more (docs/operations.md); these let a platform team see them without one. Names and reason codes only.
/// </summary>
public sealed class LiveTallies(TimeProvider time)
{
    private const int Minutes = 60;

    private readonly ConcurrentDictionary<string, Tally> _methods = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ProviderTally> _providers = new(StringComparer.Ordinal);
    private readonly MinuteTally[] _minutes = Enumerable.Range(0, Minutes).Select(_ => new MinuteTally()).ToArray();

    public DateTimeOffset Since { get; } = time.GetUtcNow();

    public void Rpc(string method, bool failed, TimeSpan elapsed)
    {
        var micros = (long)elapsed.TotalMicroseconds;
        _methods.GetOrAdd(method, static _ => new Tally()).Add(micros, failed);
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        var slot = _minutes[minute % Minutes];
        slot.Add(minute, micros);
    }

    public void Provider(string providerOrgCode, string outcome, TimeSpan elapsed)
    {
        var failed = outcome is not ("found" or "not_found");
        var tally = _providers.GetOrAdd(providerOrgCode, static _ => new ProviderTally());
        tally.Add((long)elapsed.TotalMicroseconds, failed);
        if (failed)
        {
            tally.LastFailure = new ProviderFailure(outcome, time.GetUtcNow());
        }
    }

    public IReadOnlyList<(string Method, long Calls, long Errors, double AverageMs)> Methods() =>
        [.. _methods.Select(p => (p.Key, p.Value.Calls, p.Value.Errors, p.Value.AverageMs)).OrderByDescending(m => m.Calls)];

    /// <summary>The last 60 minutes that had calls, oldest first.</summary>
    public IReadOnlyList<(DateTimeOffset Minute, long Calls, double AverageMs)> LastHour()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        return [.. _minutes.Select(m => m.Read()).Where(m => m.Calls > 0 && now - m.Minute < Minutes)
            .OrderBy(m => m.Minute).Select(m => (DateTimeOffset.FromUnixTimeSeconds(m.Minute * 60), m.Calls, m.AverageMs))];
    }

    public IReadOnlyList<(string Provider, long Calls, long Failures, double AverageMs, ProviderFailure? LastFailure)> Providers() =>
        [.. _providers.Select(p => (p.Key, p.Value.Calls, p.Value.Errors, p.Value.AverageMs, p.Value.LastFailure)).OrderBy(p => p.Key, StringComparer.Ordinal)];

    /// <summary>A provider call's failure outcome (a reason code) and when it happened.</summary>
    public sealed record ProviderFailure(string Outcome, DateTimeOffset At);

    private class Tally
    {
        private long _calls;
        private long _errors;
        private long _micros;

        public long Calls => Interlocked.Read(ref _calls);

        public long Errors => Interlocked.Read(ref _errors);

        public double AverageMs => Calls == 0 ? 0 : Interlocked.Read(ref _micros) / 1000.0 / Calls;

        public void Add(long micros, bool failed)
        {
            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _micros, micros);
            if (failed)
            {
                Interlocked.Increment(ref _errors);
            }
        }
    }

    private sealed class ProviderTally : Tally
    {
        // A reference, so a reader never sees half of a failure being written.
        public volatile ProviderFailure? LastFailure;
    }

    // One minute's calls; the slot is reused an hour later. Every RPC adds here, so adding takes no lock: only the
    // first call of a new minute clears the slot under the lock (a call racing with that may land in either minute).
    private sealed class MinuteTally
    {
        private readonly Lock _gate = new();
        private long _minute;
        private long _calls;
        private long _micros;

        public void Add(long minute, long micros)
        {
            if (Volatile.Read(ref _minute) != minute)
            {
                lock (_gate)
                {
                    if (_minute != minute)
                    {
                        Interlocked.Exchange(ref _calls, 0);
                        Interlocked.Exchange(ref _micros, 0);
                        Volatile.Write(ref _minute, minute);
                    }
                }
            }

            Interlocked.Increment(ref _calls);
            Interlocked.Add(ref _micros, micros);
        }

        public (long Minute, long Calls, double AverageMs) Read()
        {
            var calls = Interlocked.Read(ref _calls);
            return (Volatile.Read(ref _minute), calls, calls == 0 ? 0 : Interlocked.Read(ref _micros) / 1000.0 / calls);
        }
    }
}
