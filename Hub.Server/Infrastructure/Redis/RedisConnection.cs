using Hub.Server.Infrastructure.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Hub.Server.Infrastructure.Redis;

/// <summary>
/// The one shared multiplexer of this process, the key prefix every Redis key starts with, and the circuit breaker
/// every command goes through. It connects in the background: a Redis that is down at start-up delays nothing, and
/// the hub keeps working without it. A command waits at most <see cref="RedisOptions.OperationTimeoutMilliseconds"/>;
/// after <see cref="RedisOptions.BreakAfterFailures"/> failures in a row the circuit opens and commands fail at once
/// (callers use their fallbacks) for <see cref="RedisOptions.BreakForSeconds"/>, then one is let through to try again.
/// A hung or paused Redis therefore costs a request at most one short timeout, and then nothing.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly string _prefix;
    private readonly TimeSpan _timeout;
    private readonly int _breakAfter;
    private readonly TimeSpan _breakFor;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisConnection> _logger;
    private int _failures;
    private long _openUntilTicks;

    public RedisConnection(IOptions<RedisOptions> options, TimeProvider time, ILogger<RedisConnection> logger)
    {
        var settings = ConfigurationOptions.Parse(options.Value.Configuration!);
        _timeout = TimeSpan.FromMilliseconds(options.Value.OperationTimeoutMilliseconds);
        settings.AbortOnConnectFail = false;
        settings.ConnectTimeout = Math.Min(settings.ConnectTimeout, 2000);
        settings.SyncTimeout = Math.Min(settings.SyncTimeout, options.Value.OperationTimeoutMilliseconds);
        settings.AsyncTimeout = Math.Min(settings.AsyncTimeout, options.Value.OperationTimeoutMilliseconds);
        Multiplexer = ConnectionMultiplexer.Connect(settings);
        _prefix = options.Value.KeyPrefix;
        _breakAfter = options.Value.BreakAfterFailures;
        _breakFor = TimeSpan.FromSeconds(options.Value.BreakForSeconds);
        _time = time;
        _logger = logger;
    }

    public IConnectionMultiplexer Multiplexer { get; }

    public IDatabase Database => Multiplexer.GetDatabase();

    /// <summary>True while commands are refused without being sent.</summary>
    public bool CircuitOpen => _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _openUntilTicks);

    public RedisKey Key(string name) => _prefix + name;

    /// <summary>
    /// Runs one command through the breaker. Throws <see cref="RedisException"/> when Redis fails or is slower than
    /// the timeout, and <see cref="RedisCircuitOpenException"/> (one) without trying while the circuit is open.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> command)
    {
        if (CircuitOpen)
        {
            throw new RedisCircuitOpenException();
        }

        try
        {
            var result = await command().WaitAsync(_timeout);
            if (Interlocked.Exchange(ref _failures, 0) >= _breakAfter)
            {
                _logger.RedisCircuitClosed();
            }

            return result;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            if (Interlocked.Increment(ref _failures) >= _breakAfter)
            {
                Interlocked.Exchange(ref _openUntilTicks, (_time.GetUtcNow() + _breakFor).UtcTicks);
                _logger.RedisCircuitOpened(_breakFor.TotalSeconds, e.GetType().Name);
            }

            throw e as RedisException ?? new RedisTimeoutOrFailureException(e);
        }
    }

    public async ValueTask DisposeAsync() => await Multiplexer.DisposeAsync();
}

/// <summary>Redis was not asked: its circuit is open after repeated failures.</summary>
public sealed class RedisCircuitOpenException() : RedisException("Redis is not asked for a few seconds after repeated failures (circuit open).");

/// <summary>Redis did not answer within the hub's operation timeout.</summary>
public sealed class RedisTimeoutOrFailureException(Exception inner) : RedisException("Redis did not answer in time: " + inner.Message, inner);
