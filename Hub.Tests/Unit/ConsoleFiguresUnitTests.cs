using Hub.Core.Time;
using Hub.Server.Infrastructure.Telemetry;
using Hub.Server.WebConsole;

namespace Hub.Tests.Unit;

/// <summary>The auditor's anomalies as rules over the log's sums: working hours by the calendar, refusals by reason, the day's figures.</summary>
[Trait("Category", "Unit")]
public sealed class ConsoleFiguresUnitTests
{
    private static readonly Guid Window = Guid.Parse("01a24274-0000-7000-8000-000000000001");
    private static readonly Guid Registry = Guid.Parse("01a24274-0000-7000-8000-000000000002");
    private static readonly DateTime Last = new(2026, 10, 9, 2, 0, 0, DateTimeKind.Utc);

    // 2026-10-01..07 are the National Day holiday; Saturday 2026-10-10 is a make-up working day.
    private readonly ConsoleFigures _figures = new(new Sums(), new LiveTallies(TimeProvider.System),
        new WorkingCalendar([.. Enumerable.Range(1, 7).Select(d => new DateOnly(2026, 10, d))], [new DateOnly(2026, 10, 10)]));

    [Theory]
    [InlineData("2026-10-08", 8, false)]   // Thursday, the first hour of work
    [InlineData("2026-10-08", 17, false)]  // the last hour of work
    [InlineData("2026-10-08", 18, true)]   // after work
    [InlineData("2026-10-08", 7, true)]    // before work
    [InlineData("2026-10-03", 10, true)]   // a holiday
    [InlineData("2026-10-10", 10, false)]  // a Saturday made a working day
    [InlineData("2026-10-11", 10, true)]   // a Sunday
    public void Working_hours_are_eight_to_six_on_the_calendars_working_days(string day, int hour, bool outside) =>
        Assert.Equal(outside, _figures.OutsideWorkingHours(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), hour));

    [Fact]
    public async Task Anomalies_sum_out_of_hours_entries_and_name_each_callers_commonest_refusal()
    {
        var period = new AnomaliesCommand(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 12, 0, 0, 0, TimeSpan.Zero), 50);
        var anomalies = (await _figures.AnomaliesAsync(period, CancellationToken.None)).Value;

        var outOfHours = Assert.Single(anomalies.AfterHours);
        Assert.Equal((Window.ToString(), 5 + 3, "on 2 days"), (outOfHours.CallerId, outOfHours.Count, outOfHours.Detail));
        Assert.Equal(["commonest FIELD_NOT_DISCLOSABLE", "commonest HOLDER_LIMIT_EXCEEDED"], anomalies.Refusals.Select(r => r.Detail));
        Assert.Equal([9L, 2L], anomalies.Refusals.Select(r => r.Count));
    }

    [Fact]
    public async Task The_days_figures_total_the_matters_and_span_that_day_in_Asia_Shanghai()
    {
        var command = new ServiceFiguresCommand(new DateOnly(2026, 10, 9));
        Assert.Equal(new DateTimeOffset(2026, 10, 8, 16, 0, 0, TimeSpan.Zero), command.From);
        Assert.Equal(TimeSpan.Zero, command.From.Offset);

        var figures = (await _figures.ServiceFiguresAsync(command, CancellationToken.None)).Value;
        Assert.Equal((7L, 9L, 12L), (figures.Checks, figures.MaterialsWaived, figures.MaterialsChecked));
        Assert.Equal(["610100-XK-SCJG-0021", "610100-XK-YJ-0003"], figures.Matters.Select(m => m.MatterCode));
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 10, Day = 9 }, figures.Day);
    }

    private sealed class Sums : IConsoleFigureStore
    {
        public Task<IReadOnlyList<MatterTally>> MattersAsync(LogPeriod period, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<MatterTally>>([new("610100-XK-SCJG-0021", "食品经营许可（新办）", 5, 5, 5), new("610100-XK-YJ-0003", null, 2, 4, 7)]);

        public Task<IReadOnlyList<HourTally>> HoursAsync(LogPeriod period, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<HourTally>>([new(9, 40, 1)]);

        public Task<IReadOnlyList<CallerTally>> ManyHoldersAsync(LogPeriod period, int threshold, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CallerTally>>([]);

        public Task<IReadOnlyList<CallerHourTally>> CallerHoursAsync(LogPeriod period, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CallerHourTally>>(
            [
                new(Window, "政务服务中心", "窗口", new DateOnly(2026, 10, 8), 10, 100, Last),   // in hours: not counted
                new(Window, "政务服务中心", "窗口", new DateOnly(2026, 10, 8), 20, 5, Last),     // evening
                new(Window, "政务服务中心", "窗口", new DateOnly(2026, 10, 3), 11, 3, Last),     // holiday
                new(Registry, "市场监管局", "登记", new DateOnly(2026, 10, 10), 9, 50, Last),    // make-up Saturday, in hours
            ]);

        public Task<IReadOnlyList<CallerTally>> RefusalsAsync(LogPeriod period, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<CallerTally>>(
            [
                new(Window, "政务服务中心", "窗口", "REFUSED:FIELD_NOT_DISCLOSABLE", 6, 6, Last),
                new(Window, "政务服务中心", "窗口", "REFUSED:HOLDER_LIMIT_EXCEEDED", 3, 3, Last),
                new(Registry, "市场监管局", "登记", "REFUSED:HOLDER_LIMIT_EXCEEDED", 2, 2, Last),
            ]);
    }
}
