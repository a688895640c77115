using System.Diagnostics;
using Grpc.Core;
using Hub.Events.V1;

namespace Hub.Benchmarks.Load;

/// <summary>
/// Change-event delivery under write load: a SUBSCRIBER streams every event while the writes run, and each event's
/// delivery latency is the time from its change (the event's <c>occurred_at</c>, taken by the hub when the change was
/// written, before its commit — so this is an upper bound of commit → subscriber) to its arrival at the subscriber.
/// Hub and harness share this machine's clock. Reported beside the write rate measured at the same time.
/// </summary>
internal static class EventDeliveryLoad
{
    /// <summary>Runs <paramref name="writes"/> while one subscriber streams; returns the write result and the delivery result.</summary>
    public static async Task<ScenarioResult[]> MeasureAsync(HubUnderLoad hub, string name, Func<Task<ScenarioResult>> writes)
    {
        var events = new EventService.EventServiceClient(hub.Channel);
        var latest = await LatestEventIdAsync(events, hub);
        using var stop = new CancellationTokenSource();
        var latencies = new List<double>();
        var subscriber = Task.Run(async () =>
        {
            try
            {
                using var call = events.Subscribe(new SubscribeRequest { AfterEventId = latest }, HubUnderLoad.Key(hub.SubscriberKey), cancellationToken: stop.Token);
                while (await call.ResponseStream.MoveNext(stop.Token))
                {
                    if (call.ResponseStream.Current.Event is { } e)
                    {
                        latencies.Add((DateTimeOffset.UtcNow - e.OccurredAt.ToDateTimeOffset()).TotalMilliseconds);
                    }
                }
            }
            catch (RpcException) when (stop.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
            }
        });

        var clock = Stopwatch.StartNew();
        var written = await writes();
        var writing = clock.Elapsed.TotalSeconds;

        // Let the last events arrive (bounded), then stop the stream.
        for (var i = 0; i < 50 && latencies.Count < written.Requests; i++)
        {
            await Task.Delay(100);
        }

        await stop.CancelAsync();
        await subscriber;
        var sorted = latencies.Order().ToArray();
        double Percentile(double p) => Percentiles.Of(sorted, p);
        return
        [
            written with { Scenario = name + " (writes)" },
            new ScenarioResult(
                name + " (event delivery)", 1, sorted.Length / writing, Percentile(0.5), Percentile(0.9), Percentile(0.99),
                sorted.Length == 0 ? double.NaN : sorted[^1], sorted.Length, Math.Max(0, written.Requests - sorted.Length)),
        ];
    }

    private static async Task<ulong> LatestEventIdAsync(EventService.EventServiceClient events, HubUnderLoad hub)
    {
        if (hub.DataSource is { } dataSource)
        {
            await using var command = dataSource.CreateCommand("SELECT events FROM log_head");
            return (ulong)(long)(await command.ExecuteScalarAsync())!;
        }

        // A hub given by --url: a filter that selects nothing gets only heartbeats, and each names the latest id.
        using var window = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = events.Subscribe(
            new SubscribeRequest { Filter = new EventFilter { EventTypes = { "signing_key.revoked" } } }, HubUnderLoad.Key(hub.SubscriberKey), cancellationToken: window.Token);
        while (await call.ResponseStream.MoveNext(window.Token))
        {
            if (call.ResponseStream.Current.Heartbeat is { } heartbeat)
            {
                return heartbeat.LatestEventId;
            }
        }

        return 0;
    }
}
