using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Events.V1;
using Hub.Server.Callers;
using Hub.Server.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace Hub.Server.Events;

/// <summary>
/// One subscription: the events after the client's last one, in order, then new ones as the log writer numbers them
/// (woken by the <see cref="EventBell"/>, and at least every second in case a ring was missed), with a heartbeat when
/// nothing was sent for a while. Memory is one window of events: each is written only when the client's HTTP/2 flow
/// control lets it through, so a slow client slows its own stream and nothing else. A client that falls behind the
/// retention window (or asks for it) is told to resync: events it has not seen are gone.
/// </summary>
public sealed class EventFeed(IEventStore store, EventBell bell, ICallerStore callers, IOptions<EventOptions> options, TimeProvider time, HubMetrics? metrics = null)
{
    /// <summary>Most event ids read in one query (bounds memory and the cost of a rare filter).</summary>
    public const int Window = 1000;

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>How often a stream re-reads its caller: a disabled caller's stream ends, a lowered clearance applies.</summary>
    private static readonly TimeSpan CallerRecheck = TimeSpan.FromSeconds(5);

    public async Task<HubError?> RunAsync(SubscribeCommand command, EventAudience audience, Func<SubscribeResponse, Task> send, CancellationToken cancellationToken)
    {
        var bounds = await store.BoundsAsync(cancellationToken);
        if (command.AfterEventId > bounds.Latest)
        {
            return HubError.FailedPrecondition(
                ReasonCodes.EventIdAhead,
                string.Create(CultureInfo.InvariantCulture, $"after_event_id {command.AfterEventId} is beyond the latest event, {bounds.Latest}: it was not issued by this hub (or its database was restored); resync and subscribe from 0."));
        }

        var cursor = command.AfterEventId == 0 ? bounds.Oldest - 1 : command.AfterEventId;
        var heartbeat = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
        var lastSent = time.GetUtcNow();
        var lastChecked = time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (time.GetUtcNow() - lastChecked >= CallerRecheck)
            {
                var record = await callers.FindByIdAsync(audience.CallerId, cancellationToken);
                if (record is null || record.Disabled)
                {
                    return HubError.PermissionDenied(ReasonCodes.CallerDisabled, "this caller was disabled; its event stream ends.");
                }

                audience = EventAudience.Of(record.Caller);
                lastChecked = time.GetUtcNow();
            }

            var ring = bell.NextRing;
            bounds = await store.BoundsAsync(cancellationToken);
            if (cursor < bounds.Oldest - 1)
            {
                return Expired(cursor, bounds);
            }

            while (cursor < bounds.Latest)
            {
                var through = Math.Min(cursor + Window, bounds.Latest);
                var events = await store.ReadAsync(audience, command.Selection, cursor, through, cancellationToken);

                // Retention deletes a prefix of ids: if it reached past the cursor while the window was read, some of
                // the window may be gone; say so rather than skip it.
                var now = await store.BoundsAsync(cancellationToken);
                if (cursor < now.Oldest - 1)
                {
                    return Expired(cursor, now);
                }

                foreach (var stored in events)
                {
                    await send(new SubscribeResponse { Event = EventView.Build(stored, audience.Clearance) });
                    metrics?.Delivered(time.GetUtcNow() - stored.OccurredAt, "stream");
                    lastSent = time.GetUtcNow();
                }

                cursor = through;
            }

            if (time.GetUtcNow() - lastSent >= heartbeat)
            {
                await send(new SubscribeResponse { Heartbeat = new Heartbeat { LatestEventId = (ulong)bounds.Latest, At = Timestamp.FromDateTimeOffset(time.GetUtcNow()) } });
                lastSent = time.GetUtcNow();
            }

            var untilHeartbeat = heartbeat - (time.GetUtcNow() - lastSent);
            await EventBell.WaitAsync(ring, untilHeartbeat < Poll ? (untilHeartbeat > TimeSpan.Zero ? untilHeartbeat : TimeSpan.Zero) : Poll, cancellationToken);
        }

        return null;
    }

    private HubError Expired(long cursor, EventBounds bounds) => HubError.FailedPrecondition(
        ReasonCodes.EventsExpired,
        string.Create(CultureInfo.InvariantCulture, $"the events after {cursor} are no longer kept (the oldest is {bounds.Oldest}; events are kept {options.Value.RetentionDays} days): resync from your source of truth, then subscribe with after_event_id {bounds.Latest}."));
}

/// <summary>A validated Subscribe request.</summary>
public sealed record SubscribeCommand(EventSelection Selection, long AfterEventId)
{
    public static Outcome<SubscribeCommand> Parse(SubscribeRequest request)
    {
        var violations = new Hub.Core.Validation.Violations();
        var selection = EventSelection.Parse(request.Filter, violations, "filter");
        var after = violations.Position("after_event_id", request.AfterEventId);
        return violations.ToError() is { } error ? error : new SubscribeCommand(selection, after);
    }
}
