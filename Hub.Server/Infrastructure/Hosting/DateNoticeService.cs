using Hub.Core.Ports;
using Hub.Core.Time;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>
/// Runs every feature's <see cref="IDateNotice"/> shortly after start and then every ten minutes, so a date-driven
/// change is noticed within minutes of midnight (China time) and after any downtime. A failing notice is logged and
/// tried again at the next run; its watermark did not move.
/// </summary>
public sealed class DateNoticeService(IEnumerable<IDateNotice> notices, TimeProvider time, ILogger<DateNoticeService> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    /// <summary>One run of every notice (the service's own schedule calls it; so can a test).</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var today = ChinaCalendar.Today(time);
        var total = 0;
        foreach (var notice in notices)
        {
            try
            {
                total += await notice.NoticeAsync(today, cancellationToken);
            }
#pragma warning disable CA1031 // a notice that fails must not stop the hub: it is logged and runs again (its watermark did not move)
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                logger.DateNoticeFailed(notice.GetType().Name, e);
            }
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
            using var timer = new PeriodicTimer(Interval, time);
            do
            {
                if (await RunOnceAsync(stoppingToken) is > 0 and var noticed)
                {
                    logger.DateNoticesWritten(noticed);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
