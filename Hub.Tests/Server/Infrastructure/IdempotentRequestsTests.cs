using Dapper;
using Google.Protobuf.WellKnownTypes;
using Hub.Core.Errors;
using Hub.Core.Ports;
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

        await using var log = new TestAccessLog(dataSource);
        var requests = new IdempotentRequests(dataSource, TestKeys.Protector(), log.Transactional, TimeProvider.System);
        var request = new StringValue { Value = "issue license 1" };

        var first = await requests.RunInTransactionAsync(_caller, "req-1", "test.Issue", request, InsertEffect, TestContext.Current.CancellationToken);
        var retry = await requests.RunInTransactionAsync(_caller, "req-1", "test.Issue", request, InsertEffect, TestContext.Current.CancellationToken);

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

        await using var log = new TestAccessLog(dataSource);
        var requests = new IdempotentRequests(dataSource, TestKeys.Protector(), log.Transactional, TimeProvider.System);
        await requests.RunInTransactionAsync(_caller, "req-1", "test.Issue", new StringValue { Value = "a" }, InsertEffect, TestContext.Current.CancellationToken);

        var reused = await requests.RunInTransactionAsync(_caller, "req-1", "test.Issue", new StringValue { Value = "b" }, InsertEffect, TestContext.Current.CancellationToken);

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

        await using var log = new TestAccessLog(dataSource);
        var requests = new IdempotentRequests(dataSource, TestKeys.Protector(), log.Transactional, TimeProvider.System);
        var request = new StringValue { Value = "x" };
        var failed = await requests.RunInTransactionAsync<Int64Value>(_caller, "req-1", "test.Issue", request, async t =>
        {
            await InsertEffect(t);
            return HubError.FailedPrecondition("NOT_NOW", "refused");
        }, TestContext.Current.CancellationToken);

        var retried = await requests.RunInTransactionAsync(_caller, "req-1", "test.Issue", request, InsertEffect, TestContext.Current.CancellationToken);

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

        await using var log = new TestAccessLog(dataSource);
        var requests = new IdempotentRequests(dataSource, TestKeys.Protector(), log.Transactional, TimeProvider.System);
        var request = new StringValue { Value = "same" };

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            requests.RunInTransactionAsync(_caller, "req-1", "test.Issue", request, InsertEffect, TestContext.Current.CancellationToken)));

        Assert.All(results, r => Assert.False(r.Failed));
        Assert.Single(results.Select(r => r.Value.Value).Distinct());
        Assert.Equal(1L, await CountEffectsAsync(dataSource));
    }

    [Fact]
    public async Task RunDetached_Retried_ReturnsTheFirstAnswer_WithoutRunningTheWorkAgain()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using var log = new TestAccessLog(dataSource);
        var requests = new IdempotentRequests(dataSource, TestKeys.Protector(), log.Transactional, TimeProvider.System);
        var runs = 0;
        Task<Outcome<Int64Value>> Work(CancellationToken _) => Task.FromResult<Outcome<Int64Value>>(new Int64Value { Value = Interlocked.Increment(ref runs) });
        var request = new StringValue { Value = "query" };

        var first = await requests.RunOnceAsync(_caller, "q-1", "test.Query", request, Work, TestContext.Current.CancellationToken);
        var retry = await requests.RunOnceAsync(_caller, "q-1", "test.Query", request, Work, TestContext.Current.CancellationToken);
        var reused = await requests.RunOnceAsync(_caller, "q-1", "test.Query", new StringValue { Value = "other" }, Work, TestContext.Current.CancellationToken);

        Assert.Equal(1, first.Value.Value);
        Assert.Equal(1, retry.Value.Value);
        Assert.Equal("REQUEST_ID_REUSED", reused.Error?.Reason);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task RunDetached_FailedOrThrowing_ReleasesTheClaimSoTheRetryRuns()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using var log = new TestAccessLog(dataSource);
        var requests = new IdempotentRequests(dataSource, TestKeys.Protector(), log.Transactional, TimeProvider.System);
        var request = new StringValue { Value = "query" };

        var failed = await requests.RunOnceAsync<Int64Value>(_caller, "q-1", "test.Query", request,
            _ => Task.FromResult<Outcome<Int64Value>>(HubError.Unavailable("PROVIDER_UNAVAILABLE", "down")), TestContext.Current.CancellationToken);
        await Assert.ThrowsAsync<TimeoutException>(() => requests.RunOnceAsync<Int64Value>(_caller, "q-1", "test.Query", request,
            _ => throw new TimeoutException(), TestContext.Current.CancellationToken));
        var retried = await requests.RunOnceAsync<Int64Value>(_caller, "q-1", "test.Query", request,
            _ => Task.FromResult<Outcome<Int64Value>>(new Int64Value { Value = 7 }), TestContext.Current.CancellationToken);

        Assert.Equal("PROVIDER_UNAVAILABLE", failed.Error?.Reason);
        Assert.Equal(7, retried.Value.Value);
    }

    [Fact]
    public async Task RunDetached_WhileTheFirstRuns_ADuplicateIsToldItIsInProgress_AndAnAbandonedClaimLapses()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using var log = new TestAccessLog(dataSource);
        var requests = new IdempotentRequests(dataSource, TestKeys.Protector(), log.Transactional, TimeProvider.System);
        var request = new StringValue { Value = "query" };
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();

        var first = requests.RunOnceAsync<Int64Value>(_caller, "q-1", "test.Query", request, async _ =>
        {
            started.SetResult();
            await release.Task;
            return new Int64Value { Value = 1 };
        }, TestContext.Current.CancellationToken);
        await started.Task;
        var duplicate = await requests.RunOnceAsync<Int64Value>(_caller, "q-1", "test.Query", request,
            _ => Task.FromResult<Outcome<Int64Value>>(new Int64Value { Value = 2 }), TestContext.Current.CancellationToken);
        release.SetResult();

        Assert.Equal("REQUEST_IN_PROGRESS", duplicate.Error?.Reason);
        Assert.Equal(1, (await first).Value.Value);

        // A claim left behind by a replica that died mid-request blocks its request_id only for a while.
        await using (var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        {
            await connection.ExecuteAsync(
                "INSERT INTO idempotency_keys (caller_id, request_id, operation, request_hash, created_at) VALUES (@caller, 'q-2', 'test.Query', '\\x00', now() - interval '1 hour')",
                new { caller = _caller });
        }

        var takenOver = await requests.RunOnceAsync<Int64Value>(_caller, "q-2", "test.Query", request,
            _ => Task.FromResult<Outcome<Int64Value>>(new Int64Value { Value = 3 }), TestContext.Current.CancellationToken);
        Assert.Equal(3, takenOver.Value.Value);
    }

    private static async Task<Outcome<Int64Value>> InsertEffect(IWriteTransaction transaction)
    {
        var postgres = PostgresWriteTransaction.Of(transaction);
        var n = await postgres.Connection.ExecuteScalarAsync<long>("INSERT INTO effects DEFAULT VALUES RETURNING n", transaction: postgres.Transaction);
        return new Int64Value { Value = n };
    }

    private static async Task<long> CountEffectsAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM effects");
    }
}
