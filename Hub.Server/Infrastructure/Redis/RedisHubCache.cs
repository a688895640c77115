using Hub.Core.Ports;
using StackExchange.Redis;

namespace Hub.Server.Infrastructure.Redis;

/// <summary>The cache in Redis, shared by replicas. An outage reads as a miss and is logged (once, while the circuit opens), never thrown.</summary>
public sealed class RedisHubCache(RedisConnection redis, ILogger<RedisHubCache> logger) : IHubCache
{
    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var value = await redis.RunAsync(() => redis.Database.StringGetAsync(redis.Key("cache:" + key)));
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (RedisException e) when (e is not RedisCircuitOpenException)
        {
            logger.RedisUnavailable("cache get", e.GetType().Name);
            return null;
        }
        catch (RedisCircuitOpenException)
        {
            return null;
        }
    }

    public async ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        try
        {
            await redis.RunAsync(() => redis.Database.StringSetAsync(redis.Key("cache:" + key), value, timeToLive));
        }
        catch (RedisException e) when (e is not RedisCircuitOpenException)
        {
            logger.RedisUnavailable("cache set", e.GetType().Name);
        }
        catch (RedisCircuitOpenException)
        {
        }
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await redis.RunAsync(() => redis.Database.KeyDeleteAsync(redis.Key("cache:" + key)));
        }
        catch (RedisException e) when (e is not RedisCircuitOpenException)
        {
            logger.RedisUnavailable("cache remove", e.GetType().Name);
        }
        catch (RedisCircuitOpenException)
        {
        }
    }
}
