using Hub.Core.Ports;
using StackExchange.Redis;

namespace Hub.Server.Infrastructure.Redis;

/// <summary>The cache in Redis, shared by replicas. An outage reads as a miss and is logged, never thrown.</summary>
public sealed class RedisHubCache(RedisConnection redis, ILogger<RedisHubCache> logger) : IHubCache
{
    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var value = await redis.Database.StringGetAsync(redis.Key("cache:" + key));
            return value.IsNull ? null : (byte[]?)value;
        }
        catch (RedisException e)
        {
            logger.RedisUnavailable("cache get", e.GetType().Name);
            return null;
        }
    }

    public async ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        try
        {
            await redis.Database.StringSetAsync(redis.Key("cache:" + key), value, timeToLive);
        }
        catch (RedisException e)
        {
            logger.RedisUnavailable("cache set", e.GetType().Name);
        }
    }

    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await redis.Database.KeyDeleteAsync(redis.Key("cache:" + key));
        }
        catch (RedisException e)
        {
            logger.RedisUnavailable("cache remove", e.GetType().Name);
        }
    }
}
