using Dapper;
using Grpc.Health.V1;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Server.Infrastructure;

/// <summary>
/// Floods that must not reach PostgreSQL: health probes (remembered for a second, asked once however many arrive) and
/// calls with made-up API keys (every registered credential is in memory; failing peers are throttled).
/// Counted as the database counts them, in committed transactions (pg_stat_database), beside what the hub's
/// background work (checkpointer, sweeper) commits in as long without the flood.
/// </summary>
public sealed class ProbeFloodTests(PostgresCluster postgres) : IDisposable
{
    private const int Probes = 500;
    private const int InFlight = 8;
    private readonly HubFactory _hub = new(postgres);

    [Fact]
    public async Task Five_hundred_health_probes_cost_a_handful_of_database_transactions_not_one_each()
    {
        var health = new Health.HealthClient(_hub.Channel());
        await health.CheckAsync(new HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken);
        var (flood, took) = await TransactionsDuringAsync(async () =>
        {
            var started = DateTime.UtcNow;
            await Task.WhenAll(Enumerable.Range(0, Probes).Select(async _ =>
                Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status)));
            var left = TimeSpan.FromSeconds(1) - (DateTime.UtcNow - started);
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left);
            }
        });

        var (background, _) = await TransactionsDuringAsync(() => Task.Delay(took));

        // At most a few probes a second reach the database; before the fix every probe did (500 or more).
        Assert.True(flood < background + (Probes / 5), $"{Probes} probes: {flood} transactions, {background} in as long without them");
    }

    [Fact]
    public async Task Calls_with_unknown_keys_are_answered_without_the_database_and_their_peer_is_throttled()
    {
        var admin = new Hub.Admin.V1.AdminService.AdminServiceClient(_hub.Channel(HubFactory.AdminApiKey));
        await admin.ListCallersAsync(new Hub.Admin.V1.ListCallersRequest(), cancellationToken: TestContext.Current.CancellationToken);
        var reasons = new System.Collections.Concurrent.ConcurrentBag<string?>();

        var (flood, took) = await TransactionsDuringAsync(async () =>
        {
            var started = DateTime.UtcNow;
            await Parallel.ForEachAsync(Enumerable.Range(0, Probes), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (_, _) =>
            {
                var guesser = new Hub.Admin.V1.AdminService.AdminServiceClient(_hub.Channel("hub_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))));
                var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await guesser.ListCallersAsync(new Hub.Admin.V1.ListCallersRequest()));
                reasons.Add(RpcAssert.Reason(refused));
            });
            var left = TimeSpan.FromSeconds(1) - (DateTime.UtcNow - started);
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left);
            }
        });

        var (background, _) = await TransactionsDuringAsync(() => Task.Delay(took));

        // Before the fix each unknown key cost two or three transactions (over 1,000 here).
        Assert.True(flood < background + (Probes / 5), $"{Probes} unknown keys: {flood} transactions, {background} in as long without them");
        // 60 failures a minute per peer (Hub:RateLimit:FailedAuthenticationsPerMinute), then throttled; calls already in
        // flight when the limit is reached, and a minute boundary during the test, may let a few more through.
        var unknown = reasons.Count(r => r == "UNKNOWN_CREDENTIALS");
        Assert.InRange(unknown, 60, (2 * 60) + (2 * InFlight));
        Assert.Equal(Probes - unknown, reasons.Count(r => r == "AUTHENTICATION_THROTTLED"));
    }

    public void Dispose() => _hub.Dispose();

    /// <summary>Transactions the database committed while the work ran (and for the second after), and how long it ran.</summary>
    private async Task<(long Transactions, TimeSpan Took)> TransactionsDuringAsync(Func<Task> work)
    {
        var before = await CommittedAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await work();
        var took = clock.Elapsed;
        return (await CommittedAsync() - before, took);
    }

    // A backend reports its counts when it goes idle, at most once a second: wait for that before reading.
    private async Task<long> CommittedAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await using var connection = new NpgsqlConnection(_hub.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()");
    }
}
