using Hub.Server.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace Hub.Server.Audit;

/// <summary>
/// The background service that keeps checkpoints current: at most every <see cref="AuditOptions.CheckpointIntervalMilliseconds"/>
/// (sooner when <see cref="AuditOptions.CheckpointAfterEntries"/> are waiting). With several replicas on one database,
/// exactly one — the holder of a session-level PostgreSQL advisory lock — writes checkpoints; if it stops, another
/// takes over at its next tick. Each new checkpoint then goes to the witnesses (<see cref="WitnessSubmitter"/>).
/// </summary>
internal sealed class Checkpointer(
    ICheckpointStore store, CheckpointWriter writer, WitnessSubmitter witnesses, HubMetrics metrics, IOptions<AuditOptions> options, TimeProvider time, ILogger<Checkpointer> logger)
    : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ICheckpointLease? leader = null;
        var lastAttempt = DateTimeOffset.MinValue;
        try
        {
            using var timer = new PeriodicTimer(Tick, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    if (leader is null)
                    {
                        leader = await store.TryLeadAsync(stoppingToken);
                        if (leader is null)
                        {
                            metrics.CheckpointLag(-1); // only the leader reports: no stale value from a former leader
                            continue;
                        }

                        logger.CheckpointLeader();
                    }

                    var pending = await leader.PendingAsync(stoppingToken);
                    metrics.CheckpointLag(pending);
                    var due = time.GetUtcNow() - lastAttempt >= TimeSpan.FromMilliseconds(options.Value.CheckpointIntervalMilliseconds)
                        || pending >= options.Value.CheckpointAfterEntries;
                    if (due)
                    {
                        lastAttempt = time.GetUtcNow();
                        // Also when nothing new was signed: a witness that missed the last checkpoint is asked again.
                        await writer.WriteAsync(stoppingToken);
                        await witnesses.SubmitLatestAsync(stoppingToken);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.CheckpointFailed(e);
                    metrics.CheckpointLag(-1);
                    if (leader is not null)
                    {
                        await leader.DisposeAsync();
                        leader = null;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (leader is not null)
            {
                await leader.DisposeAsync();
            }
        }
    }
}
