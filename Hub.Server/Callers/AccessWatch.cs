using System.Buffers.Binary;
using System.Collections.Concurrent;
using Hub.Core.Ports;
using Microsoft.Extensions.Options;

namespace Hub.Server.Callers;

/// <summary>
/// The in-memory <see cref="IAccessWatch"/>: per caller and clock hour, the distinct holders reached (by the first
/// eight bytes of their blind index — an HMAC, so collisions are negligible) and the failed guesses. A caller's set
/// stops growing at its limit, so memory is bounded by callers × limit × 8 bytes; the window resets on the hour.
/// </summary>
public sealed class AccessWatch(IOptions<AccessWatchOptions> options, TimeProvider time) : IAccessWatch
{
    private readonly AccessWatchOptions _options = options.Value;
    private readonly ConcurrentDictionary<Guid, Window> _windows = new();

    public TimeSpan RetryAfter
    {
        get
        {
            var now = time.GetUtcNow();
            return TimeSpan.FromHours(1) - TimeSpan.FromTicks(now.UtcTicks % TimeSpan.TicksPerHour);
        }
    }

    public bool AdmitHolder(Guid callerId, ReadOnlySpan<byte> holderIndex)
    {
        var key = holderIndex.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(holderIndex) : 0L;
        var limit = _options.DistinctHoldersPerHourByCaller.TryGetValue(callerId, out var own) ? own : _options.DistinctHoldersPerHour;
        var window = Current(callerId);
        lock (window)
        {
            return window.Holders.Contains(key) || (window.Holders.Count < limit && window.Holders.Add(key));
        }
    }

    public bool GuessesLeft(Guid callerId) => Volatile.Read(ref Current(callerId).FailedGuesses) < _options.FailedGuessesPerHour;

    public void CountFailedGuesses(Guid callerId, int failed)
    {
        if (failed > 0)
        {
            Interlocked.Add(ref Current(callerId).FailedGuesses, failed);
        }
    }

    private Window Current(Guid callerId)
    {
        var hour = time.GetUtcNow().UtcTicks / TimeSpan.TicksPerHour;
        var window = _windows.GetOrAdd(callerId, static (_, h) => new Window(h), hour);
        if (window.Hour == hour)
        {
            return window;
        }

        var fresh = new Window(hour);
        return _windows.TryUpdate(callerId, fresh, window) ? fresh : _windows[callerId];
    }

    private sealed class Window(long hour)
    {
        public long Hour { get; } = hour;

        public HashSet<long> Holders { get; } = [];

        public int FailedGuesses;
    }
}
