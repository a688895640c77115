using System.Diagnostics;
using Hub.Common.V1;
using Hub.Server.Infrastructure.Hosting;
using Hub.Server.Infrastructure.Redis;
using Hub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Hub.Tests.Server.Infrastructure;

/// <summary>
/// A Redis that hangs (CLIENT PAUSE: connected, never answering) costs a few short timeouts, then nothing: the
/// circuit opens, calls use their fallbacks at once, and Redis is used again once it answers. Each test pauses a
/// redis-server of its own, so tests sharing the suite's Redis are not held up.
/// </summary>
public sealed class RedisCircuitBreakerTests(PostgresCluster postgres)
{
    private const int Calls = 50;

    [Fact]
    public async Task A_paused_redis_opens_the_circuit_after_a_few_timeouts_and_is_used_again_when_it_answers()
    {
        using var server = new RedisServer();
        await using var connection = new RedisConnection(
            Options.Create(new RedisOptions { Configuration = server.Configuration, OperationTimeoutMilliseconds = 100, BreakAfterFailures = 3, BreakForSeconds = 1 }),
            TimeProvider.System, NullLogger<RedisConnection>.Instance);
        var cache = new RedisHubCache(connection, NullLogger<RedisHubCache>.Instance);
        await cache.SetAsync("k", [7], TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        await using var pause = await PauseAsync(server, TimeSpan.FromSeconds(3));
        var clock = Stopwatch.StartNew();
        var misses = new List<byte[]?>();
        for (var i = 0; i < Calls; i++)
        {
            misses.Add(await cache.GetAsync("k", TestContext.Current.CancellationToken));
        }

        var paused = clock.Elapsed;

        Assert.All(misses, Assert.Null); // a miss, never an exception
        Assert.True(connection.CircuitOpen);
        // Without the breaker every call would wait its 100 ms timeout: 5 s. With it, three do.
        Assert.True(paused < TimeSpan.FromSeconds(2), $"{Calls} calls took {paused.TotalMilliseconds:0} ms");
        Assert.Equal([7], await EventuallyAsync(() => cache.GetAsync("k", TestContext.Current.CancellationToken).AsTask()));
        Assert.False(connection.CircuitOpen);
    }

    [Fact]
    public async Task The_hub_keeps_verifying_while_its_redis_is_paused()
    {
        using var server = new RedisServer();
        await using var s = await LicenseScenario.CreateAsync(new HubFactory(postgres, new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = server.Configuration,
            ["Redis:KeyPrefix"] = "circuit:",
        }));
        var license = await s.IssueAsync("RC-0001", idNumber: TestPeople.NewCitizenId());
        Assert.True((await s.VerifyAsync(license.Identifier)).Valid);

        await using var pause = await PauseAsync(server, TimeSpan.FromSeconds(5));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            Assert.True((await s.VerifyAsync(license.Identifier, DataLevel.L3Sensitive)).Valid);
        }

        // Each call touches Redis three times (rate limit, cache, seal verdict): 2 s timeouts would make this a minute.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"20 verifications took {clock.Elapsed.TotalMilliseconds:0} ms");
    }

    /// <summary>Pauses every client of the server; dispose the answer after the pause (closing waits for it to end).</summary>
    private static async Task<ConnectionMultiplexer> PauseAsync(RedisServer server, TimeSpan duration)
    {
        var admin = await ConnectionMultiplexer.ConnectAsync(server.Configuration + ",allowAdmin=true");
        var answer = await admin.GetServer(admin.GetEndPoints()[0]).ExecuteAsync("CLIENT", "PAUSE", ((long)duration.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "ALL");
        Assert.Equal("OK", answer.ToString());
        return admin;
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> read)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await read() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("Redis was not used again within 10 s of answering");
    }
}
