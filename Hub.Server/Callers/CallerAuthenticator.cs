using Hub.Core.Ports;
using Microsoft.Extensions.Caching.Memory;

namespace Hub.Server.Callers;

/// <summary>
/// Resolves a presented credential to a caller. Every registered credential (API-key hash, certificate thumbprint) is
/// held in memory, so an unknown one is answered without the database — random keys cannot exhaust its pool. Known
/// credentials are remembered for up to 30 seconds so most calls need no database round trip either. Any change to a
/// caller (registering, disabling) clears every replica's memory at once through <see cref="IChangeNotifier"/>; a
/// credential missing from the set reloads it at most every <see cref="MissReloadInterval"/>, for registrations on a
/// replica whose notices do not reach this one.
/// </summary>
public sealed class CallerAuthenticator : IDisposable
{
    public const string Topic = "caller";

    /// <summary>How often a credential missing from the in-memory set may reload the set from the database.</summary>
    public static readonly TimeSpan MissReloadInterval = TimeSpan.FromSeconds(10);

    // A well-formed key is "hub_" + 43 base64url characters; anything far off is refused without a database query.
    private const int MaxKeyLength = 128;
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    // While notices from other replicas cannot arrive, a disabled caller must not stay usable for long on this one.
    private static readonly TimeSpan UndeliveredLifetime = TimeSpan.FromSeconds(1);

    private readonly ICallerStore _store;
    private readonly IChangeNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private MemoryCache _known = NewCache();
    private volatile Credentials? _credentials;

    public CallerAuthenticator(ICallerStore store, IChangeNotifier notifier, TimeProvider time)
    {
        _store = store;
        _notifier = notifier;
        _time = time;
        notifier.Subscribe(Topic, _ => Forget());
    }

    public async Task<CallerCredentialCheck> ByApiKeyAsync(string apiKey, CancellationToken cancellationToken)
    {
        if (apiKey.Length is 0 or > MaxKeyLength)
        {
            return CallerCredentialCheck.Unknown;
        }

        var hash = ApiKeys.Hash(apiKey);
        var hex = Convert.ToHexStringLower(hash);
        return await RegisteredAsync(c => c.ApiKeyHashes.Contains(hex), cancellationToken)
            ? await RememberAsync("key:" + hex, () => _store.FindByApiKeyHashAsync(hash, cancellationToken))
            : CallerCredentialCheck.Unknown;
    }

    public async Task<CallerCredentialCheck> ByCertificateAsync(string thumbprint, CancellationToken cancellationToken) =>
        await RegisteredAsync(c => c.Thumbprints.Contains(thumbprint), cancellationToken)
            ? await RememberAsync("cert:" + thumbprint, () => _store.FindByCertificateAsync(thumbprint, cancellationToken))
            : CallerCredentialCheck.Unknown;

    /// <summary>Call after a caller is registered or changes: every replica forgets what it remembered about callers.</summary>
    public async Task CallerChangedAsync(CancellationToken cancellationToken)
    {
        Forget();
        await _notifier.PublishAsync(Topic, "*", cancellationToken);
    }

    public void Dispose()
    {
        _known.Dispose();
        _reload.Dispose();
    }

    private async Task<bool> RegisteredAsync(Func<Credentials, bool> holds, CancellationToken cancellationToken)
    {
        var credentials = _credentials;
        if (credentials is not null && (holds(credentials) || _time.GetUtcNow() - credentials.LoadedAt < MissReloadInterval))
        {
            return holds(credentials);
        }

        // One reload at a time; whoever waited uses the set the first one loaded.
        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (_credentials is { } loaded && !ReferenceEquals(loaded, credentials))
            {
                return holds(loaded);
            }

            var (keys, thumbprints) = await _store.CredentialsAsync(cancellationToken);
            var fresh = new Credentials(keys.ToHashSet(StringComparer.Ordinal), thumbprints.ToHashSet(StringComparer.Ordinal), _time.GetUtcNow());
            _credentials = fresh;
            return holds(fresh);
        }
        finally
        {
            _reload.Release();
        }
    }

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
            var lifetime = _notifier.Delivering ? Lifetime : UndeliveredLifetime;
            cache.Set(key, check, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
        }

        return check;
    }

    private void Forget()
    {
        _credentials = null;

        // Not disposed: a request on another thread may still be reading the old one (it is only garbage now).
        Interlocked.Exchange(ref _known, NewCache());
    }

    private static MemoryCache NewCache() => new(new MemoryCacheOptions { SizeLimit = 10_000 });

    private sealed record Credentials(HashSet<string> ApiKeyHashes, HashSet<string> Thumbprints, DateTimeOffset LoadedAt);
}
