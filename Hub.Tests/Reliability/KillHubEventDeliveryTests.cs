using System.Collections.Concurrent;
using Dapper;
using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Events;
using Hub.Events.V1;
using Hub.Licenses.V1;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Reliability;

/// <summary>
/// kill -9 of a hub process while writes commit and a subscriber streams their events: resumed with the last event id
/// it processed, the subscriber gets every event exactly once, in order — including those of writes that committed
/// just before the kill and were numbered by the restarted hub.
/// </summary>
public sealed class KillHubEventDeliveryTests(PostgresCluster postgres)
{
    [Fact]
    public async Task Killed_between_commit_and_delivery_a_resumed_subscriber_gets_every_event_once_in_order()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var hub = new HubProcess(postgres.CreateDatabase());
        await hub.StartAsync();
        var (issuerKey, _) = await KillHubUnderWriteLoadTests.SetUpAsync(hub);
        var subscriberKey = await hub.RegisterCallerAsync("11610000MB0000001G", "西安市互联网+监管平台", "supervision", DataLevel.L1Public, Role.Subscriber);

        var processed = new List<Event>();
        var acknowledged = new ConcurrentBag<string>();
        using (var subscriberChannel = hub.Channel(subscriberKey))
        using (var issuerChannel = hub.Channel(issuerKey))
        {
            // The subscriber takes a few milliseconds per event, as a real one storing each would: it is behind the
            // writes when the hub dies, so events committed before the kill still wait for it.
            var reading = ReadUntilBrokenAsync(new EventService.EventServiceClient(subscriberChannel), 0, processed, ct, processing: TimeSpan.FromMilliseconds(20));
            var licenses = new LicenseService.LicenseServiceClient(issuerChannel);
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; ; i++)
                {
                    try
                    {
                        acknowledged.Add((await licenses.IssueLicenseAsync(LicenseScenario.IssueRequest($"EVK-{w}-{i:00000}"), deadline: DateTime.UtcNow.AddSeconds(10))).License.Identifier);
                    }
                    catch (RpcException)
                    {
                        return; // the hub is gone
                    }
                }
            })).ToList();
            // Kill once the subscriber is well behind the writes, whatever the machine's speed.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (acknowledged.Count < 200 || acknowledged.Count - processed.Count < 50) // Count only: a plain read while the reader adds
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"{acknowledged.Count} writes acknowledged, {processed.Count} events processed in 60 s");
                Assert.False(writers.All(w => w.IsCompleted), "every writer stopped before the kill");
                await Task.Delay(20, ct);
            }

            hub.Kill();
            await Task.WhenAll(writers);
            await reading;
        }

        Assert.NotEmpty(processed);
        await hub.StartAsync();
        using (var channel = hub.Channel(subscriberKey))
        {
            var licensesNow = await CountLicensesAsync(hub);
            var resumed = new List<Event>();
            using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (processed.Count + resumed.Count < licensesNow && !enough.IsCancellationRequested)
            {
                var after = (resumed.Count > 0 ? resumed[^1] : processed[^1]).EventId;
                await ReadUntilBrokenAsync(new EventService.EventServiceClient(channel), after, resumed, enough.Token, licensesNow - processed.Count - resumed.Count);
            }

            Assert.NotEmpty(resumed); // events the dead hub never delivered (or never numbered) came after the restart
            processed.AddRange(resumed);
        }

        // Every license has its one license.issued event; ids are dense from 1 and in log order; nothing twice.
        var ids = processed.Select(e => (long)e.EventId).ToList();
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(i => (long)i), ids);
        Assert.Equal(processed.OrderBy(e => e.LogIndex).Select(e => e.EventId), processed.Select(e => e.EventId));
        Assert.All(processed, e => Assert.Equal(EventTypes.LicenseIssued, e.Type));
        Assert.Equal(await CountLicensesAsync(hub), processed.Select(e => e.ObjectId).Distinct().Count());
        Assert.Equal(processed.Count, processed.Select(e => e.ObjectId).Distinct().Count());
        Assert.All(acknowledged, identifier => Assert.Contains(identifier, processed.Select(e => e.ObjectId)));
    }

    /// <summary>Reads events after <paramref name="after"/> until the stream breaks (the kill), the token fires, or <paramref name="enough"/> arrived.</summary>
    private static async Task ReadUntilBrokenAsync(
        EventService.EventServiceClient client, ulong after, List<Event> into, CancellationToken cancellationToken, long enough = long.MaxValue, TimeSpan? processing = null)
    {
        try
        {
            using var call = client.Subscribe(new SubscribeRequest { AfterEventId = after }, cancellationToken: cancellationToken);
            var read = 0L;
            while (read < enough && await call.ResponseStream.MoveNext(cancellationToken))
            {
                if (call.ResponseStream.Current.Event is { } e)
                {
                    if (processing is { } delay)
                    {
                        await Task.Delay(delay, cancellationToken);
                    }

                    into.Add(e); // "processed": the client resumes after the last one it added
                    read++;
                }
            }
        }
        catch (RpcException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<long> CountLicensesAsync(HubProcess hub)
    {
        await using var db = new NpgsqlConnection(hub.ConnectionString);
        for (var i = 0; i < 100 && await db.ExecuteScalarAsync<long>("SELECT count(*) FROM access_log_queue") > 0; i++)
        {
            await Task.Delay(100); // the restarted hub sequences what the dead one left queued
        }

        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM licenses");
    }
}
