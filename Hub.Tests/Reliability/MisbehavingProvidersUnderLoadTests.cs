using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using Hub.Benchmarks.Load;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Exchange.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Reliability;

/// <summary>
/// A hub process brokering queries to four provider systems at once under steady load: one healthy, one that hangs,
/// one that resets every connection and one that answers an HTML page. Every query to a broken provider ends within
/// its deadline with UNAVAILABLE and a reason naming what went wrong — never UNKNOWN, never PROVIDER_BUSY once the
/// failures outnumber the per-provider concurrency limit (nothing leaks) — and the healthy provider's consumers do
/// not notice: every one of their queries is answered, at the speed it is answered without the others.
/// </summary>
public sealed class MisbehavingProvidersUnderLoadTests(PostgresCluster postgres)
{
    private const int DeadlineMilliseconds = 1500;
    private static readonly TimeSpan LoadFor = TimeSpan.FromSeconds(10);

    // A caseload of a hundred people, asked about again and again (well inside the access watch's distinct-holder limit).
    private static readonly string[] People = [.. Enumerable.Range(0, 100).Select(_ => TestPeople.NewCitizenId())];

    [Fact]
    public async Task Broken_providers_cost_bounded_waits_and_precise_errors_and_the_healthy_one_serves_on()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var hub = new HubProcess(postgres.CreateDatabase(), new Dictionary<string, string>
        {
            ["Hub__Exchange__AllowPlaintextProviders"] = "true",
            ["Hub__Exchange__ProviderDeadlineMilliseconds"] = $"{DeadlineMilliseconds}",
        });
        await hub.StartAsync();
        await using var healthy = await LoopbackProvider.StartAsync();
        healthy.State.RecordRequests = false;
        healthy.State.DefaultRecord = new Dictionary<string, string> { ["gender"] = "女" };
        using var silent = new MisbehavingProvider(Misbehaviour.Silent);
        using var reset = new MisbehavingProvider(Misbehaviour.Reset);
        using var garbage = new MisbehavingProvider(Misbehaviour.Garbage);

        var (catalogueKey, consumerKey) = await SetUpAsync(hub);
        var resources = new Dictionary<string, string>
        {
            ["healthy"] = await RegisterResourceAsync(hub, catalogueKey, healthy.Endpoint),
            ["silent"] = await RegisterResourceAsync(hub, catalogueKey, silent.Endpoint),
            ["reset"] = await RegisterResourceAsync(hub, catalogueKey, reset.Endpoint),
            ["garbage"] = await RegisterResourceAsync(hub, catalogueKey, garbage.Endpoint),
        };
        using var channel = hub.Channel(consumerKey);
        var exchange = new DataExchangeService.DataExchangeServiceClient(channel);
        foreach (var resource in resources.Values)
        {
            await exchange.RequestGrantAsync(new RequestGrantRequest
            {
                RequestId = Guid.NewGuid().ToString(),
                ResourceCode = resource,
                Fields = { "gender" },
                Purpose = "社会救助资格审核",
            }, cancellationToken: ct);
        }

        // The healthy provider alone first (after a warm-up): the latency its consumers are used to.
        await LoadAsync(exchange, [("healthy", resources["healthy"], 4)], TimeSpan.FromSeconds(1), ct);
        var alone = await LoadAsync(exchange, [("healthy", resources["healthy"], 4)], TimeSpan.FromSeconds(3), ct);

        // Then four workers on the healthy provider and four on each broken one, together.
        var together = await LoadAsync(exchange,
            [("healthy", resources["healthy"], 4), ("silent", resources["silent"], 4), ("reset", resources["reset"], 4), ("garbage", resources["garbage"], 4)],
            LoadFor, ct);

        foreach (var (name, outcome) in together.OrderBy(o => o.Key))
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{name,-8} {outcome.Calls,6} calls  p50 {outcome.Percentile(0.50),7:0.0} ms  p99 {outcome.Percentile(0.99),7:0.0} ms  max {outcome.Percentile(1),7:0.0} ms  " +
                string.Join(", ", outcome.Outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
        }

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"healthy alone: {alone["healthy"].Calls} calls, p99 {alone["healthy"].Percentile(0.99):0.0} ms");

        // The healthy provider's consumers: every query answered, p99 within a few times what it was alone.
        var served = together["healthy"];
        Assert.Equal(served.Calls, served.Outcomes.GetValueOrDefault("OK"));
        Assert.True(served.Calls > 100, $"only {served.Calls} queries to the healthy provider in {LoadFor.TotalSeconds} s");
        // (Starved by the broken ones — a shared pool or slot held — its queries would wait out the 1.5 s deadline.)
        Assert.True(served.Percentile(0.99) < Math.Max(750, 5 * alone["healthy"].Percentile(0.99)),
            $"p99 of the healthy provider grew from {alone["healthy"].Percentile(0.99):0.0} ms to {served.Percentile(0.99):0.0} ms");

        // The broken ones: more failures than the per-provider concurrency limit (16), each bounded and precise.
        AssertFailures(together["silent"], ["UNAVAILABLE PROVIDER_TIMEOUT"], minimumCalls: 17);
        AssertFailures(together["reset"], ["UNAVAILABLE PROVIDER_UNAVAILABLE"], minimumCalls: 40);
        AssertFailures(together["garbage"], ["UNAVAILABLE PROVIDER_FAILED", "UNAVAILABLE PROVIDER_UNAVAILABLE"], minimumCalls: 40);
        Assert.True(silent.Connections > 0 && reset.Connections > 0 && garbage.Connections > 0, "the hub never reached a broken provider");

        // Afterwards nothing is left held: a query to the healthy provider is answered at once, a query to the hung
        // one fails within its deadline again, not as PROVIDER_BUSY.
        await exchange.QueryAsync(Query(resources["healthy"]), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: ct);
        var after = await Assert.ThrowsAsync<RpcException>(() => exchange.QueryAsync(Query(resources["silent"]), cancellationToken: ct).ResponseAsync);
        Assert.Equal("PROVIDER_TIMEOUT", after.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Reason);
    }

    private static void AssertFailures(Outcome outcome, string[] expected, int minimumCalls)
    {
        Assert.True(outcome.Calls >= minimumCalls, $"only {outcome.Calls} calls");
        Assert.All(outcome.Outcomes.Keys, seen => Assert.Contains(seen, expected));
        Assert.True(outcome.Percentile(1) < DeadlineMilliseconds + 2500, $"a query waited {outcome.Percentile(1):0} ms (deadline {DeadlineMilliseconds} ms)");
    }

    private static async Task<Dictionary<string, Outcome>> LoadAsync(
        DataExchangeService.DataExchangeServiceClient exchange, (string Name, string Resource, int Workers)[] plan, TimeSpan duration, CancellationToken ct)
    {
        var outcomes = plan.ToDictionary(p => p.Name, _ => new Outcome());
        var until = Stopwatch.StartNew();
        var workers = plan.SelectMany(p => Enumerable.Range(0, p.Workers).Select(_ => Task.Run(async () =>
        {
            var outcome = outcomes[p.Name];
            while (until.Elapsed < duration)
            {
                var watch = Stopwatch.StartNew();
                string result;
                try
                {
                    await exchange.QueryAsync(Query(p.Resource), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
                    result = "OK";
                }
                catch (RpcException e)
                {
                    result = $"{e.StatusCode.ToString().ToUpperInvariant()} {e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>()?.Reason}";
                }

                outcome.Add(result, watch.Elapsed.TotalMilliseconds);
            }
        }, ct)));
        await Task.WhenAll(workers);
        return outcomes;
    }

    private static QueryRequest Query(string resource) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        ResourceCode = resource,
        Key = People[Random.Shared.Next(People.Length)],
        Fields = { "gender" },
        Purpose = "最低生活保障资格审核",
        CaseNumber = "CASE-" + Guid.NewGuid().ToString("N")[..8],
    };

    /// <summary>The platform team, the providing bureau and a consumer at L2; returns the platform team's and the consumer's keys.</summary>
    private static async Task<(string CatalogueKey, string ConsumerKey)> SetUpAsync(HubProcess hub)
    {
        Task<string> RegisterAsync(string org, string system, DataLevel clearance, Role role) => hub.RegisterCallerAsync(org, "测试单位", system, clearance, role);

        var catalogueKey = await RegisterAsync(ExchangeScenario.PlatformOrg, "catalogue", DataLevel.L1Public, Role.Catalogue);
        await RegisterAsync(ExchangeScenario.ProviderOrg, "provider", DataLevel.L1Public, Role.Provider);
        return (catalogueKey, await RegisterAsync(ExchangeScenario.ConsumerOrg, "consumer", DataLevel.L2Internal, Role.Consumer));
    }

    private static async Task<string> RegisterResourceAsync(HubProcess hub, string catalogueKey, string endpoint)
    {
        using var channel = hub.Channel(catalogueKey);
        var request = ExchangeScenario.ResourceRequest("TEST-HJ-" + Guid.NewGuid().ToString("N")[..10], SharingType.Unconditional, endpoint);
        await new CatalogueService.CatalogueServiceClient(channel).RegisterDataResourceAsync(request);
        return request.ResourceCode;
    }

    /// <summary>The calls of one kind of worker: how many, how they ended, how long they took.</summary>
    private sealed class Outcome
    {
        private readonly ConcurrentBag<double> _milliseconds = [];

        public ConcurrentDictionary<string, int> Outcomes { get; } = new();

        public int Calls => _milliseconds.Count;

        public void Add(string result, double milliseconds)
        {
            Outcomes.AddOrUpdate(result, 1, (_, n) => n + 1);
            _milliseconds.Add(milliseconds);
        }

        public double Percentile(double p) => Percentiles.Of([.. _milliseconds.Order()], p);
    }
}
