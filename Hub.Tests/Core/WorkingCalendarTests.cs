using Hub.Core.Time;

namespace Hub.Tests.Core;

/// <summary>Working days as the yearly holiday notice sets them: weekends, holidays and make-up working days.</summary>
[Trait("Category", "Unit")]
public sealed class WorkingCalendarTests
{
    // 2026 National Day: 1-7 October off; Sunday 20 September and Saturday 10 October are working days.
    private static readonly WorkingCalendar Calendar = new(
        Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d)),
        [new DateOnly(2026, 9, 20), new DateOnly(2026, 10, 10)]);

    [Theory]
    [InlineData("2026-11-02", 5, "2026-11-09")]  // Monday → next Monday
    [InlineData("2026-11-06", 1, "2026-11-09")]  // Friday → Monday
    [InlineData("2026-11-07", 1, "2026-11-09")]  // a Saturday request counts from Monday
    [InlineData("2026-09-30", 5, "2026-10-13")]  // across the holiday, with the make-up Saturday
    [InlineData("2026-09-18", 1, "2026-09-20")]  // Friday → the make-up Sunday
    [InlineData("2026-11-25", 0, "2026-11-25")]
    public void AddWorkingDays_SkipsWeekendsAndHolidays_CountsMakeupDays(string from, int days, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            Calendar.AddWorkingDays(DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), days));

    [Fact]
    public void IsWorkingDay_FollowsTheNotice()
    {
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, 10, 1)));   // holiday (Thursday)
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2026, 10, 10)));   // make-up Saturday
        Assert.False(Calendar.IsWorkingDay(new DateOnly(2026, 10, 11)));  // ordinary Sunday
        Assert.True(Calendar.IsWorkingDay(new DateOnly(2026, 10, 12)));   // ordinary Monday
    }
}
