using Microsoft.Extensions.Options;

namespace Hub.Server.Events;

/// <summary>Deletes events older than <see cref="EventOptions.RetentionDays"/>, hourly (the audit log keeps the changes themselves for good).</summary>
internal sealed class EventRetention(IEventStore store, IOptions<EventOptions> options, TimeProvider time, ILogger<EventRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                var deleted = await store.DeleteOlderThanAsync(time.GetUtcNow().AddDays(-options.Value.RetentionDays), stoppingToken);
                if (deleted > 0)
                {
                    logger.EventsSwept(deleted);
                }
            }
            catch (Npgsql.NpgsqlException e)
            {
                logger.SweepFailed(e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
