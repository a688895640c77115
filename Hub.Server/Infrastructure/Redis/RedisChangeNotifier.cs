using Hub.Core.Ports;
using StackExchange.Redis;

namespace Hub.Server.Infrastructure.Redis;

/// <summary>
/// Change notices over Redis pub/sub, so every replica (this one included) evicts what changed. A publish that
/// fails is logged and the change still stands; listeners' entries expire on their own.
/// </summary>
public sealed class RedisChangeNotifier(RedisConnection redis, ILogger<RedisChangeNotifier> logger) : IChangeNotifier
{
    public async Task PublishAsync(string topic, string key, CancellationToken cancellationToken)
    {
        try
        {
            await redis.RunAsync(() => redis.Multiplexer.GetSubscriber().PublishAsync(Channel(topic), key));
        }
        catch (RedisException e)
        {
            if (e is not RedisCircuitOpenException)
            {
                logger.RedisUnavailable("publish change", e.GetType().Name);
            }
        }
    }

    public void Subscribe(string topic, Action<string> onChange)
    {
        // Fire-and-forget: a Redis that is down at start-up must not stop the hub. The multiplexer keeps the
        // subscription and re-subscribes whenever it (re)connects.
        try
        {
            redis.Multiplexer.GetSubscriber().Subscribe(
                Channel(topic),
                (_, message) =>
                {
                    if (message.HasValue)
                    {
                        onChange(message!);
                    }
                },
                CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            logger.RedisUnavailable("subscribe " + topic, e.GetType().Name);
        }
    }

    private RedisChannel Channel(string topic) => RedisChannel.Literal(redis.Key("changes:" + topic).ToString());
}
