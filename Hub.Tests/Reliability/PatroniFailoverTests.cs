using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Grpc.Core;
using Hub.Audit.V1;
using Hub.Cli;
using Hub.Licenses.V1;
using Hub.Tests.Support;
using Hub.Verification.V1;
using Npgsql;

namespace Hub.Tests.Reliability;

/// <summary>
/// The primary of a Patroni cluster (three nodes, synchronous_mode_strict) killed under write and verification load,
/// the hub on a multi-host connection string (target_session_attrs=read-write): the synchronous standby takes over,
/// the hub serves again without a restart, every write it acknowledged and every receipt it handed out is on the new
/// primary, retries duplicate nothing, the audit log is one tree that <c>hubctl audit verify</c> proves consistent
/// across the failover, and the checkpointer signs on the new primary. The killed node then rejoins as a standby.
/// </summary>
public sealed class PatroniFailoverTests
{
    [Fact]
    public async Task The_primary_killed_under_load_costs_no_acknowledged_write_or_receipt_and_the_log_stays_one_tree()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new PatroniCluster();
        await using var hub = new HubProcess(cluster.CreateDatabase("hub_failover"));
        await hub.StartAsync();
        var (issuerKey, auditorKey) = await KillHubUnderWriteLoadTests.SetUpAsync(hub);
        var verifierKey = await RedisFaultTests.RegisterVerifierAsync(hub);
        var folder = Directory.CreateTempSubdirectory("hub-tests-failover-").FullName;
        var keys = Path.Combine(folder, "keys");
        var state = Path.Combine(folder, "state");
        Assert.Equal(0, (await HubctlAsync(hub, "keys", "list", "--save-pem", keys)).Exit);

        var acknowledged = new ConcurrentDictionary<string, IssueLicenseRequest>();
        var failed = new ConcurrentDictionary<string, IssueLicenseRequest>();
        var receipts = new ConcurrentBag<(ulong Index, string EntryJson)>();
        var failures = new ConcurrentBag<StatusCode>();
        var details = new ConcurrentDictionary<string, int>();
        var successes = new ConcurrentBag<DateTime>();
        var next = 0;
        using var stop = new CancellationTokenSource();
        using var issuerChannel = hub.Channel(issuerKey);
        using var verifierChannel = hub.Channel(verifierKey);
        var licenses = new LicenseService.LicenseServiceClient(issuerChannel);
        var verification = new VerificationService.VerificationServiceClient(verifierChannel);
        var first = await licenses.IssueLicenseAsync(LicenseScenario.IssueRequest("FAILOVER-FIRST"), cancellationToken: ct);
        var load = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var request = LicenseScenario.IssueRequest($"FAILOVER-{Interlocked.Increment(ref next):000000}");
                try
                {
                    if (worker % 4 == 3)
                    {
                        var answer = await verification.VerifyLicenseAsync(
                            new VerifyLicenseRequest { Identifier = first.License.Identifier, Purpose = "窗口受理核验" }, deadline: DateTime.UtcNow.AddSeconds(15));
                        receipts.Add((answer.Receipt.LogIndex, answer.Receipt.EntryJson));
                    }
                    else
                    {
                        await licenses.IssueLicenseAsync(request, deadline: DateTime.UtcNow.AddSeconds(15));
                        acknowledged[request.RequestId] = request;
                    }

                    successes.Add(DateTime.UtcNow);
                }
                catch (RpcException e)
                {
                    if (worker % 4 != 3)
                    {
                        failed[request.RequestId] = request;
                    }

                    failures.Add(e.StatusCode);
                    details.AddOrUpdate($"{e.StatusCode}: {e.Status.Detail}", 1, (_, n) => n + 1);
                    await Task.Delay(100);
                }
            }
        })).ToList();

        await WaitForAsync(() => successes.Count > 200, TimeSpan.FromSeconds(60), ct);
        Assert.Equal(0, (await HubctlAsync(hub, "audit", "verify", "--trusted-keys", keys, "--state-dir", state, "--api-key", auditorKey)).Exit);
        var before = successes.Count;
        var oldLeader = cluster.Leader;
        cluster.Kill(oldLeader);
        var killedAt = DateTime.UtcNow;
        cluster.WaitFor(m => m.Any(x => x.Role == "leader" && x.Name != oldLeader && x.State == "running"), TimeSpan.FromSeconds(60), "a new leader");
        var promotedAt = DateTime.UtcNow;
        await WaitForAsync(() => successes.Any(s => s > promotedAt), TimeSpan.FromSeconds(60), ct);
        // Served again: the first call answered after the promotion (calls that finish just after the kill committed before it).
        var servedAgain = successes.Where(s => s > promotedAt).Min() - killedAt;
        await Task.Delay(2000, ct);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        // The old primary comes back as a standby of the new one (pg_rewind if it must).
        cluster.Start(oldLeader);
        cluster.WaitForHealthy(TimeSpan.FromSeconds(90));

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"killed {oldLeader}; new leader {cluster.Leader} {(promotedAt - killedAt).TotalSeconds:0.0} s later; the hub served again {servedAgain.TotalSeconds:0.0} s after the kill ({(servedAgain - (promotedAt - killedAt)).TotalSeconds:0.0} s after the promotion was seen); " +
            $"{before} calls before, {acknowledged.Count} writes and {receipts.Count} receipts acknowledged in all, failures: " +
            string.Join(", ", failures.GroupBy(f => f).Select(g => $"{g.Key} {g.Count()}")) + "\n" + string.Join("\n", details.Select(d => $"{d.Value} × {d.Key}")));
        if (failures.Any(f => f is not (StatusCode.Unavailable or StatusCode.DeadlineExceeded)))
        {
            TestContext.Current.TestOutputHelper?.WriteLine(hub.RecentOutput);
        }

        // While there was no primary: UNAVAILABLE (or the caller's deadline), never UNKNOWN or INTERNAL.
        Assert.All(failures, f => Assert.Contains(f, (StatusCode[])[StatusCode.Unavailable, StatusCode.DeadlineExceeded]));
        Assert.True(servedAgain < TimeSpan.FromSeconds(30), $"the hub served again only {servedAgain.TotalSeconds:0.0} s after the kill");

        // Nothing acknowledged is lost; a failed write retried with its request_id either had committed or runs now.
        foreach (var request in failed.Values)
        {
            await licenses.IssueLicenseAsync(request, cancellationToken: ct);
        }

        await using var db = new NpgsqlConnection(hub.ConnectionString);
        var numbers = (await db.QueryAsync<string>("SELECT license_number FROM licenses WHERE license_number LIKE 'FAILOVER-0%'")).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Equal(acknowledged.Count + failed.Count, numbers.Count);
        Assert.All(acknowledged.Values, r => Assert.Contains(r.LicenseNumber, numbers));

        // Every receipt handed out names an entry the new primary holds, byte for byte.
        var entries = (await db.QueryAsync<(long Index, string Json)>("SELECT log_index, entry_json FROM access_log ORDER BY log_index")).ToList();
        Assert.Equal(Enumerable.Range(0, entries.Count).Select(i => (long)i), entries.Select(e => e.Index));
        Assert.NotEmpty(receipts);
        Assert.All(receipts, r => Assert.Equal(r.EntryJson, entries[(int)r.Index].Json));

        // One tree: a checkpoint signed on the new primary covers it all, and hubctl proves it consistent with the
        // checkpoint it verified before the failover.
        using var auditChannel = hub.Channel(auditorKey);
        await AuditWaiter.CheckpointCoveringAsync(new AuditService.AuditServiceClient(auditChannel), entries[^1].Index);
        var (exit, output) = await HubctlAsync(hub, "audit", "verify", "--trusted-keys", keys, "--state-dir", state, "--api-key", auditorKey);
        Assert.True(exit == 0, output);
        Directory.Delete(folder, recursive: true);
    }

    private static async Task<(int Exit, string Output)> HubctlAsync(HubProcess hub, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HubCtl.RunAsync([.. args, "--url", hub.Url], new CliEnvironment(output, error, null));
        return (exit, output.ToString() + error);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan within, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < within, $"the condition did not hold within {within.TotalSeconds:0} s");
            await Task.Delay(50, cancellationToken);
        }
    }
}
