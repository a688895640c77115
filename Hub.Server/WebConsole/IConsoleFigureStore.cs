namespace Hub.Server.WebConsole;

/// <summary>The entries written at or after Start and before End.</summary>
public sealed record LogPeriod(DateTimeOffset Start, DateTimeOffset End);

/// <summary>A matter's 免证办 checks in a period: how many, and the materials waived of those checked.</summary>
public sealed record MatterTally(string MatterCode, string? MatterName, long Checks, long MaterialsWaived, long MaterialsChecked);

/// <summary>Access-log entries in one hour (Asia/Shanghai) of a day, and the refusals among them.</summary>
public sealed record HourTally(int Hour, long Entries, long Refusals);

/// <summary>A caller's entries in one hour of one local day (for working hours), with its names.</summary>
public sealed record CallerHourTally(Guid CallerId, string? OrgName, string? SystemName, DateOnly Day, int Hour, long Calls, DateTime LastAt);

/// <summary>A caller's distinct holders touched, or its refusals of one reason, in a period.</summary>
public sealed record CallerTally(Guid CallerId, string? OrgName, string? SystemName, string Detail, long Count, long Calls, DateTime LastAt);

/// <summary>The access log summed for the console: counts only, never a holder or a purpose.</summary>
public interface IConsoleFigureStore
{
    /// <summary>CheckMatter entries in the period by matter, most checks first (every matter: the caller takes the top).</summary>
    Task<IReadOnlyList<MatterTally>> MattersAsync(LogPeriod period, CancellationToken cancellationToken);

    Task<IReadOnlyList<HourTally>> HoursAsync(LogPeriod period, CancellationToken cancellationToken);

    /// <summary>Callers with at least <paramref name="threshold"/> distinct holders in the period, most first (Detail: empty).</summary>
    Task<IReadOnlyList<CallerTally>> ManyHoldersAsync(LogPeriod period, int threshold, int limit, CancellationToken cancellationToken);

    /// <summary>Each caller's entries by local day and hour in the period (the hub's own entries left out).</summary>
    Task<IReadOnlyList<CallerHourTally>> CallerHoursAsync(LogPeriod period, CancellationToken cancellationToken);

    /// <summary>Refused entries in the period by caller and outcome (Detail: the outcome, REFUSED:reason).</summary>
    Task<IReadOnlyList<CallerTally>> RefusalsAsync(LogPeriod period, CancellationToken cancellationToken);
}
