using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Grpc.Core;
using Hub.Audit.V1;
using Hub.Licenses.V1;
using Hub.Server.Infrastructure.Embedded;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Reliability;

/// <summary>
/// PostgreSQL stopped under write load — a fast shutdown, then an immediate one (a crash, recovered from the WAL) — and
/// started again, with the hub as its own process: while the database is away every call fails as UNAVAILABLE with a
/// retry delay, never UNKNOWN; the hub serves again within 5 s of the database, without a restart; every acknowledged
/// write is there, retries with the same request_id duplicate nothing, and the checkpointer signs past the outage.
/// The test owns its cluster (the shared test cluster keeps serving the other tests).
/// </summary>
public sealed class PostgresRestartTests : IDisposable
{
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(3);
    private readonly string _state = Directory.CreateTempSubdirectory("hub-tests-pg-restart-").FullName;
    private EmbeddedPostgres? _cluster;

    [Fact]
    public async Task Restarted_under_load_the_database_costs_only_UNAVAILABLE_and_the_hub_recovers_within_5_seconds()
    {
        var ct = TestContext.Current.CancellationToken;
        _cluster = Start();
        await using var hub = new HubProcess(_cluster.CreateDatabase("restart"));
        await hub.StartAsync();
        var (issuerKey, auditorKey) = await KillHubUnderWriteLoadTests.SetUpAsync(hub);

        var acknowledged = new ConcurrentDictionary<string, IssueLicenseRequest>();
        var failed = new ConcurrentDictionary<string, IssueLicenseRequest>();
        var failures = new ConcurrentBag<(StatusCode Status, bool RetryDelay, DateTime At)>();
        var successes = new ConcurrentBag<DateTime>();
        var next = 0;
        using var stop = new CancellationTokenSource();
        using var channel = hub.Channel(issuerKey);
        var client = new LicenseService.LicenseServiceClient(channel);
        var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var request = LicenseScenario.IssueRequest($"PGRESTART-{Interlocked.Increment(ref next):000000}");
                try
                {
                    await client.IssueLicenseAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
                    acknowledged[request.RequestId] = request;
                    successes.Add(DateTime.UtcNow);
                }
                catch (RpcException e)
                {
                    failed[request.RequestId] = request;
                    failures.Add((e.StatusCode, e.GetRpcStatus()?.GetDetail<Google.Rpc.RetryInfo>() is not null, DateTime.UtcNow));
                    await Task.Delay(50);
                }
            }
        })).ToList();

        var recoveries = new List<TimeSpan>();
        foreach (var immediate in new[] { false, true })
        {
            // At least 50 writes acknowledged since the last restart (or the start): the load is running at the stop.
            var before = successes.Count;
            await WaitForAsync(() => successes.Count >= before + 50, ct);
            StopCluster(immediate);
            await Task.Delay(Down, ct);
            _cluster = Start();
            var up = DateTime.UtcNow;
            await WaitForAsync(() => successes.Any(s => s > up), ct);
            recoveries.Add(successes.Where(s => s > up).Min() - up);
        }

        await Task.Delay(500, ct);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"acknowledged {acknowledged.Count}, failed {failed.Count} (all UNAVAILABLE: {failures.All(f => f.Status == StatusCode.Unavailable)}), " +
            $"served again {string.Join(" / ", recoveries.Select(r => $"{r.TotalSeconds:0.00} s"))} after the database (fast / immediate)");

        // While it was away: UNAVAILABLE with a retry delay, nothing else.
        Assert.NotEmpty(failures);
        Assert.All(failures, f => Assert.Equal(StatusCode.Unavailable, f.Status));
        Assert.All(failures, f => Assert.True(f.RetryDelay, "an UNAVAILABLE without RetryInfo"));
        Assert.All(recoveries, r => Assert.True(r < TimeSpan.FromSeconds(5), $"the hub served again only {r.TotalSeconds:0.0} s after the database"));

        // Nothing lost, nothing doubled: every acknowledged write is there; each failed one, retried with its
        // request_id, either had committed (and is answered as such) or runs now — one license per number either way.
        foreach (var request in failed.Values)
        {
            await client.IssueLicenseAsync(request, cancellationToken: ct);
        }

        await using var db = new NpgsqlConnection(hub.ConnectionString);
        var numbers = (await db.QueryAsync<string>("SELECT license_number FROM licenses WHERE license_number LIKE 'PGRESTART-%'")).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Equal(acknowledged.Count + failed.Count, numbers.Count);
        Assert.All(acknowledged.Values, r => Assert.Contains(r.LicenseNumber, numbers));

        // The checkpointer resumed: a checkpoint signed after the outages covers every entry.
        var last = await db.ExecuteScalarAsync<long>("SELECT max(log_index) FROM access_log");
        using var auditChannel = hub.Channel(auditorKey);
        var checkpoint = await AuditWaiter.CheckpointCoveringAsync(new AuditService.AuditServiceClient(auditChannel), last);
        Assert.True((long)checkpoint.TreeSize > last);
        var indices = (await db.QueryAsync<long>("SELECT log_index FROM access_log ORDER BY log_index")).ToList();
        Assert.Equal(Enumerable.Range(0, indices.Count).Select(i => (long)i), indices);
    }

    public void Dispose()
    {
        _cluster?.Destroy(_state);
        Directory.Delete(_state, recursive: true);
    }

    private EmbeddedPostgres Start() => EmbeddedPostgres.Start(new EmbeddedPostgresSettings { StateDirectory = _state, PreferredPort = 0 });

    /// <summary>pg_ctl stop: "fast" (sessions ended, a clean shutdown) or "immediate" (no shutdown at all: recovery from the WAL at the next start).</summary>
    private void StopCluster(bool immediate)
    {
        if (!immediate)
        {
            _cluster!.Stop();
            return;
        }

        var pgCtl = Path.Combine(EmbeddedPostgres.FindBinDirectory(null), "pg_ctl");
        var (exit, output) = ProcessRunner.Run(pgCtl, ["-D", _cluster!.DataDirectory, "-m", "immediate", "-w", "stop"], true, TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, output);
    }

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), "the condition did not hold within 60 s");
            await Task.Delay(20, cancellationToken);
        }
    }
}
