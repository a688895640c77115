namespace Hub.Core.Ports;

/// <summary>
/// Tells every replica that something it may have cached changed: Redis pub/sub when configured, in-process
/// otherwise. Delivery is best effort, so caches that listen also bound their entries' lifetime, keep them only
/// briefly while <see cref="Delivering"/> is false, and forget everything when they are told <see cref="Everything"/>.
/// </summary>
public interface IChangeNotifier
{
    /// <summary>
    /// The key a subscriber is called with when notices may have been missed (the channel to the other replicas was
    /// lost and is back): forget everything of that topic.
    /// </summary>
    const string Everything = "*";

    /// <summary>False while notices from other replicas cannot arrive (Redis unreachable).</summary>
    bool Delivering { get; }

    Task PublishAsync(string topic, string key, CancellationToken cancellationToken);

    void Subscribe(string topic, Action<string> onChange);
}
