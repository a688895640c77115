using Hub.Server.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace Hub.Server.Events.Webhooks;

/// <summary>
/// Delivers events to webhooks, on the one replica that holds the delivery lease. Each webhook has its own worker, so
/// a slow or failing receiver holds up only itself: it sends the events after <c>delivered_through</c> in order, one
/// at a time, retrying each with doubling waits (<see cref="EventOptions.WebhookAttempts"/>), then puts it in the
/// dead-letter list and goes on. Progress is in the database after every event, so a restart (or another replica
/// taking over) resumes where delivery stopped: a receiver may see an event twice around a crash, never out of order
/// or not at all — it deduplicates by Hub-Event-Id.
/// </summary>
internal sealed class WebhookDispatcher(
    IWebhookStore store, IEventStore events, WebhookSender sender, EventBell bell, HubMetrics metrics, IOptions<EventOptions> options, TimeProvider time, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = new Dictionary<Guid, (StoredWebhook Webhook, CancellationTokenSource Stop, Task Work)>();
        IWebhookLease? lease = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // A lease whose session died was released by PostgreSQL: another replica may deliver now.
                    if (lease is not null && !await lease.HeldAsync(stoppingToken))
                    {
                        await lease.DisposeAsync();
                        lease = null;
                    }

                    lease ??= await store.TryLeadAsync(stoppingToken);
                    var active = lease is null ? [] : await store.ActiveAsync(stoppingToken);

                    // Stopped: deleted webhooks, owners disabled or changed (a lowered clearance applies at once), and
                    // every worker when the lease is lost.
                    // (A webhook's URL, filter and secret never change; its owner's audience may.)
                    foreach (var gone in workers.Where(w => !active.Any(a => a.WebhookId == w.Key && a.Owner == w.Value.Webhook.Owner) || w.Value.Work.IsCompleted).ToList())
                    {
                        await gone.Value.Stop.CancelAsync();
                        await gone.Value.Work.ContinueWith(_ => { }, TaskScheduler.Default);
                        gone.Value.Stop.Dispose();
                        workers.Remove(gone.Key);
                    }

                    foreach (var webhook in active.Where(w => !workers.ContainsKey(w.WebhookId)))
                    {
                        var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                        workers[webhook.WebhookId] = (webhook, stop, Task.Run(() => DeliverLoggingFailureAsync(webhook, stop.Token), CancellationToken.None));
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.WebhookDispatchFailed(e);
                    if (lease is not null)
                    {
                        await lease.DisposeAsync();
                        lease = null;
                    }
                }

                await Task.Delay(Refresh, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var (_, stop, work) in workers.Values)
            {
                await stop.CancelAsync();
                await work.ContinueWith(_ => { }, TaskScheduler.Default);
                stop.Dispose();
            }

            if (lease is not null)
            {
                await lease.DisposeAsync();
            }
        }
    }

    /// <summary>A worker that fails (the database went away) is logged; the next refresh starts it again from its saved progress.</summary>
    private async Task DeliverLoggingFailureAsync(StoredWebhook webhook, CancellationToken cancellationToken)
    {
        try
        {
            await DeliverAsync(webhook, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.WebhookDispatchFailed(e);
        }
    }

    private async Task DeliverAsync(StoredWebhook webhook, CancellationToken cancellationToken)
    {
        var owner = webhook.Owner!;
        var through = webhook.DeliveredThrough;
        while (!cancellationToken.IsCancellationRequested)
        {
            var ring = bell.NextRing;
            var bounds = await events.BoundsAsync(cancellationToken);
            if (through < bounds.Oldest - 1)
            {
                logger.WebhookEventsExpired(webhook.WebhookId, through, bounds.Oldest);
                through = bounds.Oldest - 1; // events past retention are gone; go on from the oldest kept
            }
            while (through < bounds.Latest && !cancellationToken.IsCancellationRequested)
            {
                var window = Math.Min(through + EventFeed.Window, bounds.Latest);
                foreach (var stored in await events.ReadAsync(owner, webhook.Selection, through, window, cancellationToken))
                {
                    await DeliverOneAsync(webhook, stored, owner, cancellationToken);
                    through = stored.EventId;
                }

                through = window;
                await store.AdvanceAsync(webhook.WebhookId, through, cancellationToken);
            }

            await EventBell.WaitAsync(ring, Refresh, cancellationToken);
        }
    }

    /// <summary>Sends one event until it is delivered or every attempt failed; then it is recorded either way.</summary>
    private async Task DeliverOneAsync(StoredWebhook webhook, StoredEvent stored, EventAudience owner, CancellationToken cancellationToken)
    {
        var view = EventView.Build(stored, owner.Clearance);
        var wait = TimeSpan.FromMilliseconds(options.Value.WebhookFirstRetryMilliseconds);
        for (var attempt = 1; ; attempt++)
        {
            var error = await sender.SendAsync(webhook, view, cancellationToken);
            if (error is null)
            {
                await store.AdvanceAsync(webhook.WebhookId, stored.EventId, cancellationToken);
                metrics.Delivered(time.GetUtcNow() - stored.OccurredAt, "webhook");
                return;
            }

            if (attempt >= options.Value.WebhookAttempts)
            {
                logger.WebhookDeadLettered(webhook.WebhookId, stored.EventId, attempt, error);
                await store.DeadLetterAsync(new FailedWebhookDelivery(webhook.WebhookId, stored.EventId, attempt, error, time.GetUtcNow()), cancellationToken);
                return;
            }

            logger.WebhookDeliveryFailed(webhook.WebhookId, stored.EventId, attempt, error, (long)wait.TotalMilliseconds);
            await Task.Delay(wait, time, cancellationToken);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, LongestRetry.Ticks));
        }
    }
}
