using Dapper;
using Google.Protobuf.WellKnownTypes;
using Hub.Core.Errors;
using Hub.Server.Infrastructure.Postgres;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Server.Infrastructure;

public sealed class IdempotentRequestsTests(PostgresCluster postgres)
{
    private readonly Guid _caller = Guid.NewGuid();

    [Fact]
    public async Task RunOnce_Retried_ReturnsTheFirstResultAndChangesNothing()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using (var setup = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            await setup.ExecuteAsync("CREATE TABLE effects (n serial PRIMARY KEY)");
        }

        var requests = new IdempotentRequests(dataSource, TestKeys.Protector(), TimeProvider.System);
        var request = new StringValue { Value = "issue license 1" };

        var first = await requests.RunOnceAsync(_caller, "req-1", "test.Issue", request, InsertEffect, TestContext.Current.CancellationToken);
        var retry = await requests.RunOnceAsync(_caller, "req-1", "test.Issue", request, InsertEffect, TestContext.Current.CancellationToken);

        Assert.Equal(first.Value, retry.Value);
        Assert.Equal(1L, await CountEffectsAsync(dataSource));
    }

    [Fact]
    public async Task RunOnce_SameRequestIdOtherContent_IsRefused()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using (var setup = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            await setup.ExecuteAsync("CREATE TABLE effects (n serial PRIMARY KEY)");
        }

        var requests = new IdempotentRequests(dataSource, TestKeys.Protector(), TimeProvider.System);
        await requests.RunOnceAsync(_caller, "req-1", "test.Issue", new StringValue { Value = "a" }, InsertEffect, TestContext.Current.CancellationToken);

        var reused = await requests.RunOnceAsync(_caller, "req-1", "test.Issue", new StringValue { Value = "b" }, InsertEffect, TestContext.Current.CancellationToken);

        Assert.True(reused.Failed);
        Assert.Equal("REQUEST_ID_REUSED", reused.Error.Reason);
        Assert.Equal(1L, await CountEffectsAsync(dataSource));
    }

    [Fact]
    public async Task RunOnce_FailedFirstAttempt_RollsBackSoTheRetryRuns()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using (var setup = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            await setup.ExecuteAsync("CREATE TABLE effects (n serial PRIMARY KEY)");
        }

        var requests = new IdempotentRequests(dataSource, TestKeys.Protector(), TimeProvider.System);
        var request = new StringValue { Value = "x" };
        var failed = await requests.RunOnceAsync<Int64Value>(_caller, "req-1", "test.Issue", request, async (c, t) =>
        {
            await InsertEffect(c, t);
            return HubError.FailedPrecondition("NOT_NOW", "refused");
        }, TestContext.Current.CancellationToken);

        var retried = await requests.RunOnceAsync(_caller, "req-1", "test.Issue", request, InsertEffect, TestContext.Current.CancellationToken);

        Assert.True(failed.Failed);
        Assert.False(retried.Failed);
        Assert.Equal(1L, await CountEffectsAsync(dataSource));
    }

    [Fact]
    public async Task RunOnce_ConcurrentDuplicates_RunTheWorkOnce()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using (var setup = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            await setup.ExecuteAsync("CREATE TABLE effects (n serial PRIMARY KEY)");
        }

        var requests = new IdempotentRequests(dataSource, TestKeys.Protector(), TimeProvider.System);
        var request = new StringValue { Value = "same" };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            requests.RunOnceAsync(_caller, "req-1", "test.Issue", request, InsertEffect, TestContext.Current.CancellationToken)));

        Assert.All(results, r => Assert.False(r.Failed));
        Assert.Single(results.Select(r => r.Value.Value).Distinct());
        Assert.Equal(1L, await CountEffectsAsync(dataSource));
    }

    private static async Task<Outcome<Int64Value>> InsertEffect(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        var n = await connection.ExecuteScalarAsync<long>("INSERT INTO effects DEFAULT VALUES RETURNING n", transaction: transaction);
        return new Int64Value { Value = n };
    }

    private static async Task<long> CountEffectsAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM effects");
    }
}
