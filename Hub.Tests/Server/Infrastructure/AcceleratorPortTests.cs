using Hub.Core.Ports;
using Hub.Server.Infrastructure.Hosting;
using Hub.Server.Infrastructure.InProcess;
using Hub.Server.Infrastructure.Postgres;
using Hub.Server.Infrastructure.Redis;
using Hub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hub.Tests.Server.Infrastructure;

/// <summary>
/// The cache and rate-limit ports behave the same with Redis and without it (one-time nonces are always in PostgreSQL). Each implementation
/// runs the same contract; the Redis one against a real redis-server.
/// </summary>
public abstract class AcceleratorPortContract : IAsyncLifetime
{
    protected static readonly IOptions<RateLimitOptions> TightLimit = Options.Create(new RateLimitOptions { PermitsPerSecond = 5, Burst = 5 });

    protected IHubCache Cache { get; set; } = null!;

    protected IRateLimiter Limiter { get; set; } = null!;

    public abstract ValueTask InitializeAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task Cache_SetGetRemove_RoundTrips()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Null(await Cache.GetAsync("k", ct));

        await Cache.SetAsync("k", [1, 2, 3], TimeSpan.FromMinutes(1), ct);
        Assert.Equal([1, 2, 3], await Cache.GetAsync("k", ct));

        await Cache.RemoveAsync("k", ct);
        Assert.Null(await Cache.GetAsync("k", ct));
    }

    [Fact]
    public async Task RateLimit_PastTheBudget_RefusesWithARetryDelay()
    {
        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 20; i++)
        {
            decisions.Add(await Limiter.TryAcquireAsync("caller-a", TestContext.Current.CancellationToken));
        }

        Assert.InRange(decisions.Count(d => d.Allowed), 5, 10);
        var refused = decisions.First(d => !d.Allowed);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1));
        Assert.True((await Limiter.TryAcquireAsync("caller-b", TestContext.Current.CancellationToken)).Allowed);
    }
}

public sealed class InProcessAcceleratorTests(PostgresCluster postgres) : AcceleratorPortContract
{
    private Npgsql.NpgsqlDataSource? _dataSource;

    public override async ValueTask InitializeAsync()
    {
        _dataSource = await MigratedDatabase.CreateAsync(postgres);
        Cache = new MemoryHubCache();
        Limiter = new InProcessRateLimiter(TightLimit);
    }

    [Fact]
    public async Task Nonce_ConsumedOnce_EvenUnderConcurrency()
    {
        var expires = DateTimeOffset.UtcNow.AddMinutes(2);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => new PostgresNonceStore(_dataSource!).TryConsumeAsync("presentation", "n-1", expires, TestContext.Current.CancellationToken)));

        Assert.Single(results, r => r);
        Assert.True(await new PostgresNonceStore(_dataSource!).TryConsumeAsync("other-scope", "n-1", expires, TestContext.Current.CancellationToken));
    }

    public override async ValueTask DisposeAsync()
    {
        ((IDisposable)Cache).Dispose();
        ((IDisposable)Limiter).Dispose();
        await _dataSource!.DisposeAsync();
    }
}

public sealed class RedisAcceleratorTests(RedisServer redis) : AcceleratorPortContract
{
    private RedisConnection? _connection;

    public override ValueTask InitializeAsync()
    {
        _connection = new RedisConnection(Options.Create(new RedisOptions
        {
            Configuration = redis.Configuration,
            KeyPrefix = RedisServer.PrefixFor(nameof(RedisAcceleratorTests)),
        }), TimeProvider.System, NullLogger<RedisConnection>.Instance);
        Cache = new RedisHubCache(_connection, NullLogger<RedisHubCache>.Instance);
        Limiter = new RedisRateLimiter(_connection, new InProcessRateLimiter(TightLimit), TightLimit, TimeProvider.System, NullLogger<RedisRateLimiter>.Instance);
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync() => await _connection!.DisposeAsync();
}
