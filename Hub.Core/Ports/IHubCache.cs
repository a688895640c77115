namespace Hub.Core.Ports;

/// <summary>
/// A best-effort cache of bytes: Redis when configured, in-process otherwise. A miss or an outage is never an
/// error; callers always fall back to the store.
/// </summary>
public interface IHubCache
{
    ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken);

    ValueTask SetAsync(string key, byte[] value, TimeSpan timeToLive, CancellationToken cancellationToken);

    ValueTask RemoveAsync(string key, CancellationToken cancellationToken);
}
