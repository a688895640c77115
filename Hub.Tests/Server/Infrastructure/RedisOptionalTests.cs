using Grpc.Core;
using Grpc.Health.V1;
using Hub.Admin.V1;
using Hub.Core.Ports;
using Hub.Server.Infrastructure.InProcess;
using Hub.Server.Infrastructure.Postgres;
using Hub.Server.Infrastructure.Redis;
using Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Server.Infrastructure;

/// <summary>The hub with Redis configured, without it, and with a configured Redis that is down.</summary>
public sealed class RedisOptionalTests(PostgresCluster postgres, RedisServer redis)
{
    [Fact]
    public async Task WithRedis_UsesRedisPortsAndReportsItsHealth()
    {
        using var hub = new HubFactory(postgres, new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Redis:KeyPrefix"] = RedisServer.PrefixFor(nameof(WithRedis_UsesRedisPortsAndReportsItsHealth)),
        });
        var health = new Health.HealthClient(hub.Channel());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "redis" })).Status);
        Assert.IsType<RedisHubCache>(hub.Services.GetRequiredService<IHubCache>());
        Assert.IsType<PostgresNonceStore>(hub.Services.GetRequiredService<IOneTimeNonceStore>());
        Assert.IsType<RedisRateLimiter>(hub.Services.GetRequiredService<IRateLimiter>());
        var admin = new AdminService.AdminServiceClient(hub.Channel(HubFactory.AdminApiKey));
        Assert.Single((await admin.ListCallersAsync(new ListCallersRequest())).Callers);
    }

    [Fact]
    public async Task WithoutRedis_UsesInProcessAndPostgresFallbacks()
    {
        using var hub = new HubFactory(postgres);
        var health = new Health.HealthClient(hub.Channel());

        await RpcAssert.FailsAsync(StatusCode.NotFound, async () => await health.CheckAsync(new HealthCheckRequest { Service = "redis" }));
        Assert.IsType<MemoryHubCache>(hub.Services.GetRequiredService<IHubCache>());
        Assert.IsType<PostgresNonceStore>(hub.Services.GetRequiredService<IOneTimeNonceStore>());
        Assert.IsType<InProcessRateLimiter>(hub.Services.GetRequiredService<IRateLimiter>());
    }

    [Fact]
    public async Task RedisDown_HubStillServes_CacheMisses_NoncesStillDecidedOnceInPostgres()
    {
        var deadPort = Hub.Server.Infrastructure.Embedded.LoopbackPorts.Choose(0);
        using var hub = new HubFactory(postgres, new Dictionary<string, string?> { ["Redis:Configuration"] = $"127.0.0.1:{deadPort}" });
        var health = new Health.HealthClient(hub.Channel());
        var ct = TestContext.Current.CancellationToken;

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: ct)).Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest { Service = "redis" }, cancellationToken: ct)).Status);
        var admin = new AdminService.AdminServiceClient(hub.Channel(HubFactory.AdminApiKey));
        Assert.Single((await admin.ListCallersAsync(new ListCallersRequest(), cancellationToken: ct)).Callers);
        var cache = hub.Services.GetRequiredService<IHubCache>();
        await cache.SetAsync("k", [1], TimeSpan.FromMinutes(1), ct);
        Assert.Null(await cache.GetAsync("k", ct));
        var nonces = hub.Services.GetRequiredService<IOneTimeNonceStore>();
        Assert.True(await nonces.TryConsumeAsync("presentation", "n", DateTimeOffset.UtcNow.AddMinutes(1), ct));
        Assert.False(await nonces.TryConsumeAsync("presentation", "n", DateTimeOffset.UtcNow.AddMinutes(1), ct));
    }
}
