namespace Hub.Core.Time;

/// <summary>
/// Working days (工作日) as the State Council's yearly holiday notice sets them: Monday to Friday, except public
/// holidays, plus the weekend days declared working days to make up for them (调休上班).
/// </summary>
public sealed class WorkingCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> makeupWorkdays)
{
    private readonly HashSet<DateOnly> _holidays = [.. holidays];
    private readonly HashSet<DateOnly> _makeupWorkdays = [.. makeupWorkdays];

    public bool IsWorkingDay(DateOnly day) =>
        _makeupWorkdays.Contains(day)
        || (!_holidays.Contains(day) && day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday));

    /// <summary>
    /// The day by which something due "within <paramref name="workingDays"/> working days" of <paramref name="from"/>
    /// must be done: the day of the request does not count, the deadline is the n-th working day after it.
    /// </summary>
    public DateOnly AddWorkingDays(DateOnly from, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = from;
        for (var counted = 0; counted < workingDays;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }

        return day;
    }
}
