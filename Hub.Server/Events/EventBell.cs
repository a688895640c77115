using System.Globalization;
using Hub.Core.Ports;

namespace Hub.Server.Events;

/// <summary>
/// Wakes this replica's event streams and webhook dispatcher when new events are numbered — here, by the log writer,
/// or on another replica, through the change notifier (Redis pub/sub when configured). A missed ring only delays:
/// every waiter also wakes on its own after a bounded wait and reads the table.
/// </summary>
public sealed class EventBell
{
    public const string Topic = "events";
    private readonly IChangeNotifier _notifier;
    private readonly ILogger<EventBell> _logger;
    private TaskCompletionSource _rung = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public EventBell(IChangeNotifier notifier, ILogger<EventBell> logger)
    {
        (_notifier, _logger) = (notifier, logger);
        notifier.Subscribe(Topic, _ => Ring());
    }

    /// <summary>Called by the log writer once a cycle that numbered events up to <paramref name="lastEventId"/> committed.</summary>
    public void Sequenced(long lastEventId)
    {
        Ring();
        _ = TellOtherReplicasAsync(lastEventId);
    }

    /// <summary>
    /// The next ring. Take it <i>before</i> reading the table, then wait on it: a ring between the read and the wait
    /// has already completed it, so no event numbered meanwhile waits for the next poll.
    /// </summary>
    public Task NextRing => Volatile.Read(ref _rung).Task;

    /// <summary>Completes when <paramref name="ring"/> does, or after <paramref name="atMost"/>, whichever comes first.</summary>
    public static async Task WaitAsync(Task ring, TimeSpan atMost, CancellationToken cancellationToken)
    {
        try
        {
            await ring.WaitAsync(atMost, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    private void Ring() => Interlocked.Exchange(ref _rung, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async Task TellOtherReplicasAsync(long lastEventId)
    {
        try
        {
            await _notifier.PublishAsync(Topic, lastEventId.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
        }
#pragma warning disable CA1031 // best effort: other replicas also read the table after a bounded wait
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.EventNoticeFailed(e.GetType().Name);
        }
    }
}
