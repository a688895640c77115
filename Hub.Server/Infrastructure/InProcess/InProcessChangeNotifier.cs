using System.Collections.Concurrent;
using Hub.Core.Ports;

namespace Hub.Server.Infrastructure.InProcess;

/// <summary>Change notices within this replica only (no Redis): the right thing for a single replica.</summary>
public sealed class InProcessChangeNotifier : IChangeNotifier
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<Action<string>>> _handlers = new();

    public bool Delivering => true;

    public Task PublishAsync(string topic, string key, CancellationToken cancellationToken)
    {
        if (_handlers.TryGetValue(topic, out var handlers))
        {
            foreach (var handler in handlers)
            {
                handler(key);
            }
        }

        return Task.CompletedTask;
    }

    public void Subscribe(string topic, Action<string> onChange) => _handlers.GetOrAdd(topic, _ => []).Add(onChange);
}
