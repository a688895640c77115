using Hub.Core.Ports;
using Microsoft.Extensions.Caching.Memory;

namespace Hub.Server.Callers;

/// <summary>
/// Resolves a presented credential to a caller. Known credentials are remembered for up to 30 seconds so most calls
/// need no database round trip; any change to a caller (disabling it) clears every replica's memory at once through
/// <see cref="IChangeNotifier"/>, so a disabled caller is refused from the next call on.
/// </summary>
public sealed class CallerAuthenticator : IDisposable
{
    public const string Topic = "caller";

    // A well-formed key is "hub_" + 43 base64url characters; anything far off is refused without a database query.
    private const int MaxKeyLength = 128;
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    private readonly ICallerStore _store;
    private readonly IChangeNotifier _notifier;
    private MemoryCache _known = NewCache();

    public CallerAuthenticator(ICallerStore store, IChangeNotifier notifier)
    {
        _store = store;
        _notifier = notifier;
        notifier.Subscribe(Topic, _ => Forget());
    }

    public async Task<CallerCredentialCheck> ByApiKeyAsync(string apiKey, CancellationToken cancellationToken)
    {
        if (apiKey.Length is 0 or > MaxKeyLength)
        {
            return CallerCredentialCheck.Unknown;
        }

        var hash = ApiKeys.Hash(apiKey);
        return await RememberAsync("key:" + Convert.ToHexString(hash), () => _store.FindByApiKeyHashAsync(hash, cancellationToken));
    }

    public Task<CallerCredentialCheck> ByCertificateAsync(string thumbprint, CancellationToken cancellationToken) =>
        RememberAsync("cert:" + thumbprint, () => _store.FindByCertificateAsync(thumbprint, cancellationToken));

    /// <summary>Call after a caller changes: every replica forgets what it remembered about callers.</summary>
    public async Task CallerChangedAsync(CancellationToken cancellationToken)
    {
        Forget();
        await _notifier.PublishAsync(Topic, "*", cancellationToken);
    }

    public void Dispose() => _known.Dispose();

    private async Task<CallerCredentialCheck> RememberAsync(string key, Func<Task<CallerRecord?>> lookup)
    {
        var cache = _known;
        if (cache.TryGetValue(key, out CallerCredentialCheck? known) && known is not null)
        {
            return known;
        }

        var check = CallerCredentialCheck.From(await lookup());
        if (check.Status != CallerCredentialStatus.Unknown && ReferenceEquals(cache, _known))
        {
            cache.Set(key, check, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        }

        return check;
    }

    private void Forget() => Interlocked.Exchange(ref _known, NewCache()).Dispose();

    private static MemoryCache NewCache() => new(new MemoryCacheOptions { SizeLimit = 10_000 });
}
