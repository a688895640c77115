namespace Hub.Server.Events;

/// <summary>Reads numbered events (written by the log writer; see <see cref="PostgresSequencedEvents"/>).</summary>
public interface IEventStore
{
    Task<EventBounds> BoundsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The events with <paramref name="afterId"/> &lt; id ≤ <paramref name="throughId"/> that the selection picks and the
    /// audience may read, in id order. The window is bounded by ids, not matches, so a rare filter costs what its window holds.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>> ReadAsync(EventAudience audience, EventSelection selection, long afterId, long throughId, CancellationToken cancellationToken);

    /// <summary>Deletes the events up to the last one older than <paramref name="before"/> (a prefix of ids); returns how many.</summary>
    Task<int> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
