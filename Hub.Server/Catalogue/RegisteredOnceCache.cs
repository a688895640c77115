using System.Collections.Concurrent;

namespace Hub.Server.Catalogue;

/// <summary>
/// Catalogue entries that never change once registered (license types, data resources): the first read of a code
/// is remembered, so later reads cost no round trip. Bounded, so a flood of distinct codes cannot grow it without end.
/// </summary>
internal sealed class RegisteredOnceCache<T>(int capacity = 10_000)
    where T : class
{
    private readonly ConcurrentDictionary<string, T> _known = new(StringComparer.Ordinal);

    public async Task<T?> GetAsync(string code, Func<string, CancellationToken, Task<T?>> load, CancellationToken cancellationToken)
    {
        if (_known.TryGetValue(code, out var known))
        {
            return known;
        }

        var found = await load(code, cancellationToken);
        if (found is not null && _known.Count < capacity)
        {
            _known[code] = found;
        }

        return found;
    }
}
