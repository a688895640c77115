using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Grpc.Core;
using Grpc.Health.V1;
using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Signing.Assertions;
using Hub.Licenses.V1;
using Hub.Server.Infrastructure.Embedded;
using Hub.Server.Infrastructure.Redis;
using Hub.Server.Licenses;
using Hub.Signing.Sm2;
using Hub.Tests.Support;
using Hub.Verification.V1;
using Npgsql;

namespace Hub.Tests.Reliability;

/// <summary>
/// Redis killed (SIGKILL, then started again empty) and paused (<c>CLIENT PAUSE … ALL</c>) under mixed load, with two
/// hub processes sharing it and one database: every call still answers correctly, a one-time presentation stays
/// one-time (across replicas and across Redis losing everything), a revocation made on one replica is seen by the
/// other within the documented bound, and the slowest calls stay inside the budget the Redis settings give (one
/// operation timeout per Redis command until the circuit opens).
/// </summary>
public sealed class RedisFaultTests(PostgresCluster postgres)
{
    private const int RedisTimeoutMilliseconds = 100;
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(3);

    // A call makes at most three Redis commands (rate limit, seal-verdict cache get and set), each waiting at most
    // the operation timeout before the breaker opens; the rest of the budget is the machine under load.
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds((3 * RedisTimeoutMilliseconds) + 200);

    [Fact]
    public async Task Killed_restarted_empty_and_paused_under_load_Redis_costs_no_wrong_answer_no_second_use_and_stays_within_the_latency_budget()
    {
        var ct = TestContext.Current.CancellationToken;
        using var redis = new RedisProcess(LoopbackPorts.Choose(0));
        var settings = new Dictionary<string, string>
        {
            ["Redis__Configuration"] = redis.Configuration,
            ["Hub__Secrets__MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Redis__OperationTimeoutMilliseconds"] = RedisTimeoutMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var database = postgres.CreateDatabase();
        await using var first = new HubProcess(database, settings);
        await first.StartAsync();
        await using var second = new HubProcess(database, settings);
        await second.StartAsync();
        var keys = await RegisterAsync(first);

        using var issuerChannel = first.Channel(keys.Issuer);
        var issuer = new LicenseService.LicenseServiceClient(issuerChannel);
        var licenses = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            licenses.Add((await issuer.IssueLicenseAsync(LicenseScenario.IssueRequest($"REDIS-{i:000}"), cancellationToken: ct)).License.Identifier);
        }

        // The load: verifications spread over both replicas, and writes, timed per call and per phase.
        var phase = "before";
        var calls = new ConcurrentBag<(string Phase, TimeSpan Took, StatusCode Status, bool Correct)>();
        var acknowledged = new ConcurrentBag<string>();
        var revoked = new ConcurrentDictionary<string, bool>();
        var written = 0;
        using var stop = new CancellationTokenSource();
        using var verifyFirst = first.Channel(keys.Verifier);
        using var verifySecond = second.Channel(keys.Verifier);
        var verifiers = new[] { new VerificationService.VerificationServiceClient(verifyFirst), new VerificationService.VerificationServiceClient(verifySecond) };
        var load = Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                var current = Volatile.Read(ref phase);
                var watch = Stopwatch.StartNew();
                try
                {
                    if (worker == 0)
                    {
                        var number = $"REDIS-W{Interlocked.Increment(ref written):00000}";
                        await issuer.IssueLicenseAsync(LicenseScenario.IssueRequest(number), deadline: DateTime.UtcNow.AddSeconds(10));
                        acknowledged.Add(number);
                        calls.Add((current, watch.Elapsed, StatusCode.OK, true));
                        continue;
                    }

                    var identifier = licenses[random.Next(licenses.Count)];
                    var answer = await verifiers[worker % 2].VerifyLicenseAsync(
                        new VerifyLicenseRequest { Identifier = identifier, Purpose = "窗口受理核验" }, deadline: DateTime.UtcNow.AddSeconds(10));
                    calls.Add((current, watch.Elapsed, StatusCode.OK, answer.Valid || revoked.ContainsKey(identifier)));
                }
                catch (RpcException e)
                {
                    calls.Add((current, watch.Elapsed, e.StatusCode, false));
                }
            }
        }, ct)).ToList();

        var verifier = new VerificationService.VerificationServiceClient(verifySecond);
        await Task.Delay(Phase, ct);

        // Killed: everything Redis held is gone; presentations, revocations and rate limits go on without it.
        Volatile.Write(ref phase, "killed");
        redis.Kill();
        var token = await PresentAsync(second, keys, licenses[0], ct);
        Assert.True((await RedeemAsync(first, keys, token, ct)).Valid);
        var seenWhileDown = await RevokeAndWaitForTheOtherReplicaAsync(issuer, verifier, licenses[1], revoked, ct);
        await Task.Delay(Phase, ct);

        // Started again, empty: the token redeemed while Redis was away is still spent, on either replica.
        Volatile.Write(ref phase, "restarted");
        redis.Start();
        await WaitForRedisHealthAsync(first, ct);
        await WaitForRedisHealthAsync(second, ct);
        await WaitForSubscribersAsync(redis, 2, ct); // both replicas listen for change notices again
        Assert.Equal("ALREADY_USED", (await RedeemAsync(second, keys, token, ct)).Reason);
        Assert.Equal("ALREADY_USED", (await RedeemAsync(first, keys, token, ct)).Reason);
        var seenAfterRestart = await RevokeAndWaitForTheOtherReplicaAsync(issuer, verifier, licenses[2], revoked, ct);
        await Task.Delay(Phase, ct);

        // Paused: connections stay up but nothing answers; the breaker turns each Redis command into a fallback.
        Volatile.Write(ref phase, "paused");
        var pausedAt = Stopwatch.StartNew();
        redis.Pause(Phase);
        var pausedToken = await PresentAsync(second, keys, licenses[3], ct);
        Assert.True((await RedeemAsync(first, keys, pausedToken, ct)).Valid);
        Assert.Equal("ALREADY_USED", (await RedeemAsync(second, keys, pausedToken, ct)).Reason);
        var seenWhilePaused = await RevokeAndWaitForTheOtherReplicaAsync(issuer, verifier, licenses[4], revoked, ct);
        await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(200, (Phase - pausedAt.Elapsed).TotalMilliseconds + 200)), ct);

        Volatile.Write(ref phase, "after");
        await Task.Delay(Phase, ct);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        var byPhase = calls.GroupBy(c => c.Phase).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var (name, list) in byPhase.OrderBy(p => p.Value.Count))
        {
            var took = list.Select(c => c.Took).Order().ToList();
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{name,-9}: {list.Count} calls, {list.Count(c => c.Status != StatusCode.OK)} failed, " +
                $"p50 {Percentile(took, 0.50).TotalMilliseconds:0.0} ms, p99 {Percentile(took, 0.99).TotalMilliseconds:0.0} ms, max {took[^1].TotalMilliseconds:0.0} ms");
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"a revocation on one replica seen by the other after {seenWhileDown.TotalMilliseconds:0} ms (Redis killed), " +
            $"{seenAfterRestart.TotalMilliseconds:0} ms (restarted), {seenWhilePaused.TotalMilliseconds:0} ms (paused {Phase.TotalSeconds:0} s)");

        // Every call answered, and answered right: no error of any kind, through every phase.
        Assert.Equal(["after", "before", "killed", "paused", "restarted"], byPhase.Keys.Order());
        Assert.All(calls, c => Assert.Equal(StatusCode.OK, c.Status));
        Assert.All(calls, c => Assert.True(c.Correct));
        foreach (var (name, list) in byPhase)
        {
            var p99 = Percentile(list.Select(c => c.Took).Order().ToList(), 0.99);
            Assert.True(p99 <= Budget, $"{name}: p99 {p99.TotalMilliseconds:0} ms is past the budget of {Budget.TotalMilliseconds:0} ms");
        }

        // A revocation reaches the other replica within the lifetime of a state kept without notices, while Redis is
        // away; at once (a notice) once it is back; and soon after a pause ends (the notice is published again).
        Assert.True(seenWhileDown <= LicenseLookup.UndeliveredStateLifetime + TimeSpan.FromSeconds(1), $"{seenWhileDown.TotalMilliseconds} ms");
        Assert.True(seenAfterRestart <= TimeSpan.FromSeconds(1), $"{seenAfterRestart.TotalMilliseconds} ms");
        Assert.True(seenWhilePaused <= Phase + RedisChangeNotifier.RetryInterval + TimeSpan.FromSeconds(1), $"{seenWhilePaused.TotalMilliseconds} ms");

        // Every acknowledged write is there.
        await using var db = new NpgsqlConnection(first.ConnectionString);
        var numbers = (await db.QueryAsync<string>("SELECT license_number FROM licenses WHERE license_number LIKE 'REDIS-W%'")).ToHashSet();
        Assert.NotEmpty(acknowledged);
        Assert.All(acknowledged, n => Assert.Contains(n, numbers));
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    internal static async Task<TimeSpan> RevokeAndWaitForTheOtherReplicaAsync(
        LicenseService.LicenseServiceClient issuerOnFirst,
        VerificationService.VerificationServiceClient verifierOnSecond,
        string identifier,
        ConcurrentDictionary<string, bool> revoked,
        CancellationToken ct)
    {
        // The other replica has the license's state in memory before the change.
        Assert.True((await verifierOnSecond.VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = identifier, Purpose = "窗口受理核验" }, cancellationToken: ct)).Valid);
        revoked[identifier] = true;
        await issuerOnFirst.ChangeLicenseStatusAsync(new ChangeLicenseStatusRequest
        {
            Identifier = identifier,
            Status = LicenseStatus.Revoked,
            Reason = "依法撤销",
            RequestId = Guid.NewGuid().ToString(),
        }, cancellationToken: ct);

        // The bound is when the call that saw the change was sent (its own round trip under load is not propagation).
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var sent = watch.Elapsed;
            if (!(await verifierOnSecond.VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = identifier, Purpose = "窗口受理核验" }, cancellationToken: ct)).Valid)
            {
                return sent;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(40), "the other replica never saw the revocation");
            await Task.Delay(20, ct);
        }
    }

    internal static async Task<string> PresentAsync(HubProcess hub, Keys keys, string identifier, CancellationToken ct)
    {
        using var channel = hub.Channel(keys.Portal, new Dictionary<string, string>
        {
            [PortalActingFor.AssertionHeader] = HolderAssertionToken.Create(
                keys.PortalAssertion, keys.PortalId, LicenseScenario.ProtoName(HolderIdType.CitizenId), LicenseScenario.CitizenId, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)),
        });
        var created = await new VerificationService.VerificationServiceClient(channel).CreatePresentationAsync(new CreatePresentationRequest
        {
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = LicenseScenario.CitizenId },
            Identifier = identifier,
            Fields = { "category" },
        }, cancellationToken: ct);
        return created.Token;
    }

    internal static async Task<VerifyPresentationResponse> RedeemAsync(HubProcess hub, Keys keys, string token, CancellationToken ct)
    {
        using var channel = hub.Channel(keys.Verifier);
        return await new VerificationService.VerificationServiceClient(channel).VerifyPresentationAsync(new VerifyPresentationRequest { Token = token, Purpose = "现场亮证" }, cancellationToken: ct);
    }

    private static async Task WaitForSubscribersAsync(RedisProcess redis, int replicas, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        while (redis.SubscribersEndingWith("changes:license") < replicas)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the replicas did not subscribe to change notices again within 30 s");
            await Task.Delay(100, ct);
        }
    }

    private static async Task WaitForRedisHealthAsync(HubProcess hub, CancellationToken ct)
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(hub.Url);
        var health = new Health.HealthClient(channel);
        var watch = Stopwatch.StartNew();
        while ((await health.CheckAsync(new HealthCheckRequest { Service = "redis" }, cancellationToken: ct)).Status != HealthCheckResponse.Types.ServingStatus.Serving)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), "the hub did not see Redis again within 30 s");
            await Task.Delay(100, ct);
        }
    }

    internal static async Task<Keys> RegisterAsync(HubProcess hub)
    {
        var (issuerKey, _) = await KillHubUnderWriteLoadTests.SetUpAsync(hub);
        var verifierKey = await RegisterVerifierAsync(hub);
        using var adminChannel = hub.Channel(HubFactory.AdminApiKey);
        var admin = new AdminService.AdminServiceClient(adminChannel);
        var assertion = Sm2KeyPair.Generate();
        var portal = await admin.RegisterCallerAsync(new RegisterCallerRequest
        {
            OrgCode = "11610100MB0000000J",
            OrgName = "西安市民网上办事大厅",
            SystemName = "portal",
            Roles = { Role.Portal },
            Clearance = DataLevel.L1Public,
            AssertionPublicKeyPem = assertion.PublicKey.Pem,
        });
        return new Keys(issuerKey, verifierKey, portal.ApiKey, Guid.Parse(portal.CallerId), assertion);
    }

    /// <summary>Registers, through the process's API, a window system that verifies at L1.</summary>
    internal static Task<string> RegisterVerifierAsync(HubProcess hub) =>
        hub.RegisterCallerAsync("91350100M000100Y43", "测试窗口", "verifier", DataLevel.L1Public, Role.Verifier);

    internal sealed record Keys(string Issuer, string Verifier, string Portal, Guid PortalId, Sm2KeyPair PortalAssertion);
}
