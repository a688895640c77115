using Hub.Core.Errors;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.WebConsole.V1;

namespace Hub.Server.WebConsole;

/// <summary>GetServiceFigures: one day in Asia/Shanghai, as [From, To) in UTC.</summary>
public sealed record ServiceFiguresCommand(DateOnly Day)
{
    public DateTimeOffset From => new DateTimeOffset(Day.ToDateTime(TimeOnly.MinValue), ChinaCalendar.Offset).ToUniversalTime();

    public DateTimeOffset To => From.AddDays(1);

    public static Outcome<ServiceFiguresCommand> Parse(GetServiceFiguresRequest request, TimeProvider time)
    {
        var violations = new Violations();
        var day = ChinaCalendar.Parse(request.Day, "day", violations, required: false) ?? ChinaCalendar.Today(time);
        if (day > ChinaCalendar.Today(time))
        {
            violations.Add("day", "is in the future");
        }

        return violations.ToError() is { } invalid ? invalid : new ServiceFiguresCommand(day);
    }
}

/// <summary>GetAnomalies: a period of at most <see cref="MaxDays"/> days, and the distinct-holder threshold.</summary>
public sealed record AnomaliesCommand(DateTimeOffset From, DateTimeOffset To, int DistinctHolders)
{
    public const int DefaultDays = 7;

    // Each figure scans the period's entries: a quarter is what an audit looks at, and bounds the work.
    public const int MaxDays = 92;
    public const int DefaultDistinctHolders = 50;

    public static Outcome<AnomaliesCommand> Parse(GetAnomaliesRequest request, TimeProvider time)
    {
        var violations = new Violations();
        var to = request.To?.ToDateTimeOffset() ?? time.GetUtcNow();
        var from = request.From?.ToDateTimeOffset() ?? to.AddDays(-DefaultDays);
        if (from >= to)
        {
            violations.Add("from", "must be before to");
        }
        else if (to - from > TimeSpan.FromDays(MaxDays))
        {
            violations.Add("from", $"the period is at most {MaxDays} days");
        }

        var threshold = request.DistinctHolders == 0 ? DefaultDistinctHolders : request.DistinctHolders;
        if (threshold < 2)
        {
            violations.Add("distinct_holders", $"must be at least 2 (0 means {DefaultDistinctHolders})");
        }

        return violations.ToError() is { } invalid ? invalid : new AnomaliesCommand(from, to, threshold);
    }
}
