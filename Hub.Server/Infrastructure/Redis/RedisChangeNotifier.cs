using System.Collections.Concurrent;
using Hub.Core.Ports;
using StackExchange.Redis;

namespace Hub.Server.Infrastructure.Redis;

/// <summary>
/// Change notices over Redis pub/sub, so every replica (this one included) evicts what changed. A publish that
/// fails is logged, the change still stands, and the notice is published again every
/// <see cref="RetryInterval"/> until Redis takes it (so other replicas hear of it as soon as Redis answers, not when
/// their entries expire), for at most <see cref="RetryFor"/>. When the subscription connection is lost, every listener is told
/// <see cref="IChangeNotifier.Everything"/> (what it holds will not hear of later changes) and <see cref="Delivering"/>
/// is false until it is back (listeners keep entries only briefly); when it is back, they are told
/// <see cref="IChangeNotifier.Everything"/> again, since notices published meanwhile never arrived.
/// </summary>
public sealed class RedisChangeNotifier : IChangeNotifier
{
    private readonly RedisConnection _redis;
    private readonly ILogger<RedisChangeNotifier> _logger;
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Longer than any listener keeps an entry without hearing of it: past this, a notice is moot.</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromMinutes(1);

    // Beyond this many distinct undelivered notices of a topic, the topic's pending notices become one "everything".
    private const int MaxPendingPerTopic = 1000;

    private readonly ConcurrentBag<Action<string>> _listeners = [];
    private readonly Lock _pendingLock = new();
    private readonly Dictionary<string, HashSet<string>> _pending = [];
    private DateTimeOffset _oldestPending;
    private bool _retrying;
    private volatile bool _delivering;

    public RedisChangeNotifier(RedisConnection redis, ILogger<RedisChangeNotifier> logger)
    {
        (_redis, _logger) = (redis, logger);
        _delivering = redis.Multiplexer.IsConnected;
        redis.Multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                _delivering = false;
                TellEveryone();
            }
        };
        redis.Multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription)
            {
                _delivering = true;
                TellEveryone();
            }
        };
    }

    public bool Delivering => _delivering;

    public async Task PublishAsync(string topic, string key, CancellationToken cancellationToken)
    {
        try
        {
            await _redis.RunAsync(() => _redis.Multiplexer.GetSubscriber().PublishAsync(Channel(topic), key));
        }
        catch (RedisException e)
        {
            if (e is not RedisCircuitOpenException)
            {
                _logger.RedisUnavailable("publish change", e.GetType().Name);
            }

            KeepForRetry(topic, key);
        }
    }

    public void Subscribe(string topic, Action<string> onChange)
    {
        _listeners.Add(onChange);

        // Fire-and-forget: a Redis that is down at start-up must not stop the hub. The multiplexer keeps the
        // subscription and re-subscribes whenever it (re)connects.
        try
        {
            _redis.Multiplexer.GetSubscriber().Subscribe(
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
            _logger.RedisUnavailable("subscribe " + topic, e.GetType().Name);
        }
    }

    private void KeepForRetry(string topic, string key)
    {
        lock (_pendingLock)
        {
            if (_pending.Count == 0)
            {
                _oldestPending = DateTimeOffset.UtcNow;
            }

            if (!_pending.TryGetValue(topic, out var keys))
            {
                _pending[topic] = keys = [];
            }

            if (keys.Count >= MaxPendingPerTopic)
            {
                keys.Clear();
                key = IChangeNotifier.Everything;
            }

            keys.Add(key);
            if (!_retrying)
            {
                _retrying = true;
                _ = Task.Run(RetryPendingAsync);
            }
        }
    }

    // Not through the breaker: one command per interval costs no request anything, and it hears Redis come back at once.
    private async Task RetryPendingAsync()
    {
        while (true)
        {
            await Task.Delay(RetryInterval);
            List<(string Topic, string Key)> batch;
            lock (_pendingLock)
            {
                if (_pending.Count == 0 || DateTimeOffset.UtcNow - _oldestPending > RetryFor)
                {
                    _pending.Clear();
                    _retrying = false;
                    return;
                }

                batch = [.. _pending.SelectMany(p => p.Value.Select(k => (p.Key, k)))];
            }

            try
            {
                var subscriber = _redis.Multiplexer.GetSubscriber();
                foreach (var (topic, key) in batch)
                {
                    await subscriber.PublishAsync(Channel(topic), key).WaitAsync(RetryInterval);
                    lock (_pendingLock)
                    {
                        if (_pending.TryGetValue(topic, out var keys) && keys.Remove(key) && keys.Count == 0)
                        {
                            _pending.Remove(topic);
                        }
                    }
                }
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Still unreachable: try again after the interval.
            }
        }
    }

    private void TellEveryone()
    {
        foreach (var listener in _listeners)
        {
            listener(IChangeNotifier.Everything);
        }
    }

    private RedisChannel Channel(string topic) => RedisChannel.Literal(_redis.Key("changes:" + topic).ToString());
}
