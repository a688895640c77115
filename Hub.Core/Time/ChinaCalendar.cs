using Google.Type;
using Hub.Core.Validation;

namespace Hub.Core.Time;

/// <summary>
/// Calendar dates in Asia/Shanghai (UTC+8 all year: China keeps no daylight saving), and their wire form
/// <c>google.type.Date</c>.
/// </summary>
public static class ChinaCalendar
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    public static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().ToOffset(Offset).DateTime);

    public static Date ToDate(DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    /// <summary>A wire date as a <see cref="DateOnly"/>; an impossible date is a field violation.</summary>
    public static DateOnly? Parse(Date? date, string field, Violations violations, bool required)
    {
        if (date is null)
        {
            if (required)
            {
                violations.Add(field, "is required");
            }

            return null;
        }

        if (date.Year is < 1900 or > 9999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > System.DateTime.DaysInMonth(date.Year, date.Month))
        {
            violations.Add(field, "is not a calendar date (year 1900-9999, month and day in range)");
            return null;
        }

        return new DateOnly(date.Year, date.Month, date.Day);
    }
}
