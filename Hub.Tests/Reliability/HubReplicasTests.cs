using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Grpc.Core;
using Hub.Audit.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Licenses.V1;
using Hub.Server.Audit;
using Hub.Server.Infrastructure.Embedded;
using Hub.Server.Infrastructure.Postgres;
using Hub.Signing.Assertions;
using Hub.Tests.Support;
using Hub.Verification.V1;
using Npgsql;

namespace Hub.Tests.Reliability;

/// <summary>
/// Three hub processes on one Patroni cluster and one Redis, behind HAProxy (HTTP/2, balanced per request): the load
/// reaches all three; a revocation made on one is seen by the others within the documented bound and a one-time
/// presentation is one-time whichever replica redeems it; the replica holding checkpoint leadership is killed under
/// write load and the others carry on — the failures are UNAVAILABLE, retried writes duplicate nothing, every
/// acknowledged write is there, and another replica signs the next checkpoint. The pages people read (a holder's
/// history) are served from a standby.
/// </summary>
public sealed class HubReplicasTests
{
    [Fact]
    public async Task Three_replicas_behind_HAProxy_share_the_load_stay_coherent_and_carry_on_when_the_checkpoint_leader_is_killed()
    {
        var ct = TestContext.Current.CancellationToken;
        using var cluster = new PatroniCluster();
        var database = cluster.CreateDatabase("hub_replicas");
        using var redis = new RedisProcess(LoopbackPorts.Choose(0));
        var settings = new Dictionary<string, string>
        {
            ["Redis__Configuration"] = redis.Configuration,
            ["Hub__Secrets__MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };

        // Each replica names its sessions (application_name), so the test can see which one leads the checkpoints.
        var hubs = Enumerable.Range(1, 3)
            .Select(i => new HubProcess(new NpgsqlConnectionStringBuilder(database) { ApplicationName = $"hub-r{i}" }.ConnectionString, settings))
            .ToList();
        try
        {
            await hubs[0].StartAsync();
            await Task.WhenAll(hubs.Skip(1).Select(h => h.StartAsync()));
            using var balancer = new HaproxyProcess([.. hubs.Select(h => h.Port)]);
            var keys = await RedisFaultTests.RegisterAsync(hubs[0]);
            using var issuerChannel = HubProcess.ChannelTo(balancer.Url, keys.Issuer);
            using var verifierChannel = HubProcess.ChannelTo(balancer.Url, keys.Verifier);
            var licenses = new LicenseService.LicenseServiceClient(issuerChannel);
            var verification = new VerificationService.VerificationServiceClient(verifierChannel);
            var issued = new List<string>();
            for (var i = 0; i < 12; i++)
            {
                issued.Add((await licenses.IssueLicenseAsync(LicenseScenario.IssueRequest($"REPLICA-L{i:00}"), cancellationToken: ct)).License.Identifier);
            }

            // The load, all through the balancer: four writers and four verifiers.
            var acknowledged = new ConcurrentDictionary<string, IssueLicenseRequest>();
            var failed = new ConcurrentDictionary<string, IssueLicenseRequest>();
            var failures = new ConcurrentDictionary<string, int>();
            var successes = new ConcurrentBag<DateTime>();
            var next = 0;
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var request = LicenseScenario.IssueRequest($"REPLICA-W{Interlocked.Increment(ref next):000000}");
                    try
                    {
                        if (worker % 2 == 0)
                        {
                            await licenses.IssueLicenseAsync(request, deadline: DateTime.UtcNow.AddSeconds(15));
                            acknowledged[request.RequestId] = request;
                        }
                        else
                        {
                            var answer = await verification.VerifyLicenseAsync(
                                new VerifyLicenseRequest { Identifier = issued[(next + worker) % 8], Purpose = "窗口受理核验" }, deadline: DateTime.UtcNow.AddSeconds(15));
                            Assert.True(answer.Valid);
                        }

                        successes.Add(DateTime.UtcNow);
                    }
                    catch (RpcException e)
                    {
                        if (worker % 2 == 0)
                        {
                            failed[request.RequestId] = request;
                        }

                        failures.AddOrUpdate($"{e.StatusCode}: {e.Status.Detail}", 1, (_, n) => n + 1);
                        await Task.Delay(50);
                    }
                }
            }, ct)).ToList();

            // Spread: a volume of requests (not a time: on a loaded machine each synchronous commit takes what it takes).
            var spreading = Stopwatch.StartNew();
            IReadOnlyList<HaproxyProcess.Server> spread;
            while ((spread = balancer.Servers()).Sum(s => s.Requests) < 600)
            {
                Assert.True(spreading.Elapsed < TimeSpan.FromSeconds(60), $"only {spread.Sum(s => s.Requests)} requests through the balancer in 60 s");
                await Task.Delay(100, ct);
            }

            // Coherence while all three run: a revocation on one replica reaches each of the others; a token
            // presented on one is good once, on another, and spent on the third and through the balancer.
            var seenBySecond = await RedisFaultTests.RevokeAndWaitForTheOtherReplicaAsync(
                Issuer(hubs[0], keys), Verifier(hubs[1], keys), issued[8], new ConcurrentDictionary<string, bool>(), ct);
            var seenByThird = await RedisFaultTests.RevokeAndWaitForTheOtherReplicaAsync(
                Issuer(hubs[0], keys), Verifier(hubs[2], keys), issued[9], new ConcurrentDictionary<string, bool>(), ct);
            var token = await RedisFaultTests.PresentAsync(hubs[1], keys, issued[10], ct);
            Assert.True((await RedisFaultTests.RedeemAsync(hubs[2], keys, token, ct)).Valid);
            Assert.Equal("ALREADY_USED", (await RedisFaultTests.RedeemAsync(hubs[0], keys, token, ct)).Reason);
            Assert.Equal("ALREADY_USED", (await verification.VerifyPresentationAsync(new VerifyPresentationRequest { Token = token, Purpose = "现场亮证" }, cancellationToken: ct)).Reason);

            // Kill the replica that writes checkpoints, as a machine dies.
            var primary = cluster.NodeConnectionString(cluster.Leader, "hub_replicas");
            var leader = await CheckpointLeaderAsync(primary, TimeSpan.FromSeconds(10));
            var victim = hubs[int.Parse(leader["hub-r".Length..], System.Globalization.CultureInfo.InvariantCulture) - 1];
            var victimName = "hub" + leader["hub-r".Length..];
            victim.Kill();
            var killedAt = DateTime.UtcNow;

            // A request sent to it before the check (every 500 ms) takes it out of rotation is sent to another.
            var rotation = Stopwatch.StartNew();
            HaproxyProcess.Server? outOfRotation;
            while ((outOfRotation = balancer.Servers().SingleOrDefault(s => s.Name == victimName)) is not { Up: false })
            {
                Assert.True(rotation.Elapsed < TimeSpan.FromSeconds(10), "HAProxy did not take the killed replica out of rotation within 10 s");
                await Task.Delay(100, ct);
            }

            var outOfRotationAfter = rotation.Elapsed;
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            var newLeader = await CheckpointLeaderAsync(primary, TimeSpan.FromSeconds(10));
            var afterKill = balancer.Servers();
            await stop.CancelAsync();
            await Task.WhenAll(load);
            var lastFailure = successes.Where(s => s > killedAt).DefaultIfEmpty(killedAt).Min() - killedAt;

            TestContext.Current.TestOutputHelper?.WriteLine(
                $"requests per replica: {string.Join(", ", spread.Select(s => $"{s.Name} {s.Requests}"))}; " +
                $"a revocation seen by the other replicas after {seenBySecond.TotalMilliseconds:0} ms and {seenByThird.TotalMilliseconds:0} ms; " +
                $"killed {leader} (checkpoint leader); leadership now {newLeader}; first success {lastFailure.TotalMilliseconds:0} ms after the kill, out of rotation {outOfRotationAfter.TotalMilliseconds:0} ms after it; " +
                $"after: {string.Join(", ", afterKill.Select(s => $"{s.Name} {(s.Up ? "UP" : "DOWN")} {s.Requests}"))}; " +
                $"{acknowledged.Count} writes acknowledged, {failed.Count} failed; failures: " +
                (failures.IsEmpty ? "none" : string.Join("; ", failures.Select(f => $"{f.Value} × {f.Key}"))));

            // The load reached every replica, and after the kill only the survivors.
            Assert.Equal(3, spread.Count);
            Assert.All(spread, s => Assert.True(s.Requests > spread.Sum(x => x.Requests) / 5, $"{s.Name} had only {s.Requests} of {spread.Sum(x => x.Requests)} requests"));
            Assert.Equal(outOfRotation.Requests, afterKill.Single(s => s.Name == victimName).Requests);
            Assert.Equal(2, afterKill.Count(s => s.Up));
            Assert.All(afterKill.Where(s => s.Up), s => Assert.True(s.Requests > spread.Single(b => b.Name == s.Name).Requests));
            Assert.NotEqual(leader, newLeader);

            // The documented bound: a revocation is seen by every replica within a second while Redis delivers.
            Assert.True(seenBySecond < TimeSpan.FromSeconds(1), $"{seenBySecond.TotalMilliseconds} ms");
            Assert.True(seenByThird < TimeSpan.FromSeconds(1), $"{seenByThird.TotalMilliseconds} ms");

            // What was in flight on the killed replica failed as UNAVAILABLE, nothing else.
            Assert.All(failures.Keys, f => Assert.StartsWith("Unavailable", f, StringComparison.Ordinal));

            // Retried with their request_id, failed writes either had committed or run now; nothing doubled or lost.
            foreach (var request in failed.Values)
            {
                await licenses.IssueLicenseAsync(request, cancellationToken: ct);
            }

            await using var db = new NpgsqlConnection(primary);
            var numbers = (await db.QueryAsync<string>("SELECT license_number FROM licenses WHERE license_number LIKE 'REPLICA-W%'")).ToList();
            Assert.Equal(numbers.Count, numbers.Distinct().Count());
            Assert.Equal(acknowledged.Count + failed.Count, numbers.Count);
            Assert.All(acknowledged.Values, r => Assert.Contains(r.LicenseNumber, numbers));

            // The new leader signs a checkpoint over everything, the killed replica's entries included.
            var lastIndex = await db.ExecuteScalarAsync<long>("SELECT max(log_index) FROM access_log");
            await AssertCheckpointCoversAsync(db, lastIndex);

            // A holder's history (through the balancer, by the portal) is read on a standby.
            await HolderHistoryThroughAsync(balancer, keys, ct);
            var standbySessions = 0L;
            foreach (var standby in cluster.Members().Where(m => m.Role != "leader"))
            {
                await using var onStandby = new NpgsqlConnection(cluster.NodeConnectionString(standby.Name, "hub_replicas"));
                standbySessions += await onStandby.ExecuteScalarAsync<long>(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = @name", new { name = StandbyReads.ApplicationName });
            }
            Assert.True(standbySessions > 0, "no hub session on the standby: the history was not read there");
        }
        finally
        {
            foreach (var hub in hubs)
            {
                await hub.DisposeAsync();
            }
        }
    }

    private static LicenseService.LicenseServiceClient Issuer(HubProcess hub, RedisFaultTests.Keys keys) => new(hub.Channel(keys.Issuer));

    private static VerificationService.VerificationServiceClient Verifier(HubProcess hub, RedisFaultTests.Keys keys) => new(hub.Channel(keys.Verifier));

    /// <summary>The replica (by its application_name) whose session holds the checkpoint leader's advisory lock.</summary>
    private static async Task<string> CheckpointLeaderAsync(string primary, TimeSpan within)
    {
        await using var db = new NpgsqlConnection(primary);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var holder = await db.ExecuteScalarAsync<string?>(
                """
                SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.granted AND ((l.classid::bigint << 32) | l.objid::bigint) = @key
                """,
                new { key = PostgresCheckpointStore.LeaderLockKey });
            if (holder is not null)
            {
                return holder;
            }

            Assert.True(watch.Elapsed < within, "no replica took checkpoint leadership");
            await Task.Delay(100);
        }
    }

    private static async Task AssertCheckpointCoversAsync(NpgsqlConnection db, long lastIndex)
    {
        var watch = Stopwatch.StartNew();
        while (await db.ExecuteScalarAsync<long?>("SELECT max(tree_size) FROM checkpoints") is not { } size || size <= lastIndex)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "no checkpoint covered the log after the leader was killed");
            await Task.Delay(100);
        }
    }

    private static async Task HolderHistoryThroughAsync(HaproxyProcess balancer, RedisFaultTests.Keys keys, CancellationToken ct)
    {
        using var channel = HubProcess.ChannelTo(balancer.Url, keys.Portal, new Dictionary<string, string>
        {
            [PortalActingFor.AssertionHeader] = HolderAssertionToken.Create(
                keys.PortalAssertion, keys.PortalId, LicenseScenario.ProtoName(HolderIdType.CitizenId), LicenseScenario.CitizenId, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)),
        });
        var audit = new AuditService.AuditServiceClient(channel);
        for (var i = 0; i < 6; i++)
        {
            var history = await audit.GetHolderAccessHistoryAsync(
                new GetHolderAccessHistoryRequest { Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = LicenseScenario.CitizenId } }, cancellationToken: ct);
            Assert.NotEmpty(history.Entries);
        }
    }
}
