using Hub.Core.Time;

namespace Hub.Tests.Support;

/// <summary>
/// The system clock shifted by an offset a test can move (a grant's due date passing, a year going by). Only the
/// date and time the hub reads move; timers and timestamps stay real, so background work keeps running.
/// </summary>
public sealed class MovableClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock so that it is now <paramref name="day"/> in China, at the current time of day.</summary>
    public void SetChinaDate(DateOnly day)
    {
        var today = ChinaCalendar.Today(this);
        Interlocked.Add(ref _offsetTicks, TimeSpan.FromDays(day.DayNumber - today.DayNumber).Ticks);
    }

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
