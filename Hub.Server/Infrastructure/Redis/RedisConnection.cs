using Hub.Server.Infrastructure.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Hub.Server.Infrastructure.Redis;

/// <summary>
/// The one shared multiplexer of this process, and the key prefix every Redis key starts with. It connects in the
/// background: a Redis that is down at start-up delays nothing, and the hub keeps working without it.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly string _prefix;

    public RedisConnection(IOptions<RedisOptions> options)
    {
        var settings = ConfigurationOptions.Parse(options.Value.Configuration!);
        settings.AbortOnConnectFail = false;
        settings.ConnectTimeout = Math.Min(settings.ConnectTimeout, 2000);
        settings.SyncTimeout = Math.Min(settings.SyncTimeout, 2000);
        settings.AsyncTimeout = Math.Min(settings.AsyncTimeout, 2000);
        Multiplexer = ConnectionMultiplexer.Connect(settings);
        _prefix = options.Value.KeyPrefix;
    }

    public IConnectionMultiplexer Multiplexer { get; }

    public IDatabase Database => Multiplexer.GetDatabase();

    public RedisKey Key(string name) => _prefix + name;

    public async ValueTask DisposeAsync() => await Multiplexer.DisposeAsync();
}
