using Google.Protobuf.WellKnownTypes;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Time;
using Hub.Server.Infrastructure.Telemetry;
using Hub.WebConsole.V1;

namespace Hub.Server.WebConsole;

/// <summary>
/// The dashboard's and the auditor's figures: the access log summed (every replica's calls) beside this replica's
/// running response times and provider health. Working hours are 08:00–18:00 on the working days of the calendar
/// the grant deadlines use (Hub:Exchange:Holidays, MakeupWorkdays).
/// </summary>
public sealed class ConsoleFigures(IConsoleFigureStore store, LiveTallies tallies, WorkingCalendar calendar)
{
    public const int TopMatters = 20;
    public const int TopCallers = 20;
    private const int WorkStartsAt = 8;
    private const int WorkEndsAt = 18;

    public async Task<Outcome<GetServiceFiguresResponse>> ServiceFiguresAsync(ServiceFiguresCommand command, CancellationToken cancellationToken)
    {
        var matters = await store.MattersAsync(new LogPeriod(command.From, command.To), cancellationToken);
        var hours = await store.HoursAsync(new LogPeriod(command.From, command.To), cancellationToken);
        var response = new GetServiceFiguresResponse
        {
            Day = ChinaCalendar.ToDate(command.Day),
            Checks = matters.Sum(m => m.Checks),
            MaterialsWaived = matters.Sum(m => m.MaterialsWaived),
            MaterialsChecked = matters.Sum(m => m.MaterialsChecked),
            ResponseTimesSince = Timestamp.FromDateTimeOffset(tallies.Since),
        };
        response.Matters.AddRange(matters.Take(TopMatters).Select(m => new MatterFigures
        {
            MatterCode = m.MatterCode,
            MatterName = m.MatterName ?? string.Empty,
            Checks = m.Checks,
            MaterialsWaived = m.MaterialsWaived,
            MaterialsChecked = m.MaterialsChecked,
        }));
        response.Hours.AddRange(hours.Select(h => new HourFigures { Hour = h.Hour, Entries = h.Entries, Refusals = h.Refusals }));
        response.Methods.AddRange(tallies.Methods().Select(m => new MethodLatency { Method = m.Method, Calls = m.Calls, Errors = m.Errors, AverageMs = m.AverageMs }));
        response.Minutes.AddRange(tallies.LastHour().Select(m => new MinuteLatency { Minute = Timestamp.FromDateTimeOffset(m.Minute), Calls = m.Calls, AverageMs = m.AverageMs }));
        response.Providers.AddRange(tallies.Providers().Select(p => new ProviderHealth
        {
            ProviderOrgCode = p.Provider,
            Calls = p.Calls,
            Failures = p.Failures,
            AverageMs = p.AverageMs,
            LastFailure = p.LastFailure?.Outcome ?? string.Empty,
            LastFailureAt = p.LastFailure is { } failure ? Timestamp.FromDateTimeOffset(failure.At) : null,
        }));
        return response;
    }

    public async Task<Outcome<GetAnomaliesResponse>> AnomaliesAsync(AnomaliesCommand command, CancellationToken cancellationToken)
    {
        var period = new LogPeriod(command.From, command.To);
        var response = new GetAnomaliesResponse { From = Timestamp.FromDateTimeOffset(command.From), To = Timestamp.FromDateTimeOffset(command.To) };
        var many = await store.ManyHoldersAsync(period, command.DistinctHolders, TopCallers, cancellationToken);
        response.ManyHolders.AddRange(many.Select(c => Figure(c.CallerId, c.OrgName, c.SystemName, c.Count, $"{c.Count} distinct holders in {c.Calls} entries", c.LastAt)));

        var afterHours = (await store.CallerHoursAsync(period, cancellationToken))
            .Where(h => OutsideWorkingHours(h.Day, h.Hour))
            .GroupBy(h => h.CallerId)
            .Select(g => Figure(g.Key, g.First().OrgName, g.First().SystemName, g.Sum(h => h.Calls), Days(g.Select(h => h.Day).Distinct().Count()), g.Max(h => h.LastAt)))
            .OrderByDescending(f => f.Count).ThenBy(f => f.CallerId, StringComparer.Ordinal).Take(TopCallers);
        response.AfterHours.AddRange(afterHours);

        var refusals = (await store.RefusalsAsync(period, cancellationToken))
            .GroupBy(r => r.CallerId)
            .Select(g => Figure(g.Key, g.First().OrgName, g.First().SystemName, g.Sum(r => r.Count),
                "commonest " + g.OrderByDescending(r => r.Count).ThenBy(r => r.Detail, StringComparer.Ordinal).First().Detail[AuditOutcomes.RefusedPrefix.Length..], g.Max(r => r.LastAt)))
            .OrderByDescending(f => f.Count).ThenBy(f => f.CallerId, StringComparer.Ordinal).Take(TopCallers);
        response.Refusals.AddRange(refusals);
        return response;
    }

    private static string Days(int days) => days == 1 ? "on 1 day" : $"on {days} days";

    internal bool OutsideWorkingHours(DateOnly day, int hour) => !calendar.IsWorkingDay(day) || hour < WorkStartsAt || hour >= WorkEndsAt;

    private static CallerFigure Figure(Guid callerId, string? orgName, string? systemName, long count, string detail, DateTime lastAt) => new()
    {
        CallerId = callerId.ToString(),
        CallerOrgName = orgName ?? string.Empty,
        CallerSystemName = systemName ?? string.Empty,
        Count = count,
        Detail = detail,
        LastAt = Timestamp.FromDateTime(DateTime.SpecifyKind(lastAt, DateTimeKind.Utc)),
    };
}
