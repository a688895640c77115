using System.Collections.Concurrent;
using System.Net;
using Hub.Server.Infrastructure.Hosting;
using Microsoft.Extensions.Options;

namespace Hub.Server.Callers;

/// <summary>
/// Failed authentications per peer address and clock minute. A peer over the limit is refused for the rest of the
/// minute before its credential is looked at, so a key-guessing client costs neither lookups nor log lines. In memory
/// per replica; the table holds the current minute only (it is emptied when a new minute starts), so a flood of
/// spoofed addresses cannot grow it for longer than a minute.
/// </summary>
public sealed class FailedAuthenticationThrottle(IOptions<RateLimitOptions> options, TimeProvider time)
{
    private readonly int _limit = options.Value.FailedAuthenticationsPerMinute;
    private readonly ConcurrentDictionary<IPAddress, Window> _peers = new();
    private long _minute;

    /// <summary>When a throttled peer may try again; zero when it is not throttled.</summary>
    public TimeSpan Throttled(IPAddress peer) =>
        _peers.TryGetValue(peer, out var window) && window.Minute == Minute() && Volatile.Read(ref window.Failures) >= _limit
            ? TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(time.GetUtcNow().UtcTicks % TimeSpan.TicksPerMinute)
            : TimeSpan.Zero;

    public void Failed(IPAddress peer)
    {
        var minute = Minute();
        if (Interlocked.Exchange(ref _minute, minute) != minute)
        {
            // A new minute: last minute's counts are of no use (and ConcurrentDictionary.Count would lock every bucket).
            _peers.Clear();
        }

        var window = _peers.AddOrUpdate(peer, _ => new Window(minute), (_, w) => w.Minute == minute ? w : new Window(minute));
        Interlocked.Increment(ref window.Failures);
    }

    private long Minute() => time.GetUtcNow().UtcTicks / TimeSpan.TicksPerMinute;

    private sealed class Window(long minute)
    {
        public long Minute { get; } = minute;

        public int Failures;
    }
}
