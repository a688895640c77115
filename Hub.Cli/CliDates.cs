namespace Hub.Cli;

/// <summary>Dates as hubctl prints them: YYYY-MM-DD, empty when absent.</summary>
internal static class CliDates
{
    public static string Format(Google.Type.Date? date) => date is null ? string.Empty : $"{date.Year:0000}-{date.Month:00}-{date.Day:00}";
}
