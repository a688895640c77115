namespace Hub.Core.Ports;

/// <summary>
/// Tells every replica that something it may have cached changed: Redis pub/sub when configured, in-process
/// otherwise. Delivery is best effort, so caches that listen also bound their entries' lifetime.
/// </summary>
public interface IChangeNotifier
{
    Task PublishAsync(string topic, string key, CancellationToken cancellationToken);

    void Subscribe(string topic, Action<string> onChange);
}
