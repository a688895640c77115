using System.Collections.Concurrent;
using Hub.Core.Ports;

namespace Hub.Server.Callers;

/// <summary>
/// Resolves a presented credential to a caller. Every registered credential (API-key hash, certificate thumbprint) is
/// held in memory, so an unknown one is answered without the database — random keys cannot exhaust its pool. Known
/// credentials are remembered for up to 30 seconds so most calls need no database round trip either, and such a call
/// allocates nothing: the key is hashed on the stack and looked up as a 32-byte value. Any change to a caller
/// (registering, disabling) clears every replica's memory at once through <see cref="IChangeNotifier"/>; a credential
/// missing from the set reloads it at most every <see cref="MissReloadInterval"/>, for registrations on a replica whose
/// notices do not reach this one.
/// </summary>
public sealed class CallerAuthenticator : IDisposable
{
    public const string Topic = "caller";

    /// <summary>How often a credential missing from the in-memory set may reload the set from the database.</summary>
    public static readonly TimeSpan MissReloadInterval = TimeSpan.FromSeconds(10);

    // A well-formed key is "hub_" + 43 base64url characters; anything far off is refused without a database query.
    private const int MaxKeyLength = 128;

    // More remembered credentials than a city has systems: past it the memory starts again (misses refill it).
    private const int MaxRemembered = 10_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    // While notices from other replicas cannot arrive, a disabled caller must not stay usable for long on this one.
    private static readonly TimeSpan UndeliveredLifetime = TimeSpan.FromSeconds(1);

    private readonly ICallerStore _store;
    private readonly IChangeNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private ConcurrentDictionary<CredentialHash, Remembered> _known = new();
    private volatile Credentials? _credentials;

    public CallerAuthenticator(ICallerStore store, IChangeNotifier notifier, TimeProvider time)
    {
        _store = store;
        _notifier = notifier;
        _time = time;
        notifier.Subscribe(Topic, _ => Forget());
    }

    /// <summary>Checks an API key as presented (white space around it ignored), e.g. the rest of an authorization header.</summary>
    public ValueTask<CallerCredentialCheck> ByApiKeyAsync(ReadOnlyMemory<char> apiKey, CancellationToken cancellationToken)
    {
        var key = apiKey.Span.Trim();
        return key.Length is 0 or > MaxKeyLength
            ? ValueTask.FromResult(CallerCredentialCheck.Unknown)
            : CheckAsync(CredentialHash.OfApiKey(key), null, cancellationToken);
    }

    /// <summary>Checks a client certificate by its thumbprint (lower-case hex of the SHA-256 of its DER).</summary>
    public ValueTask<CallerCredentialCheck> ByCertificateAsync(string thumbprint, CancellationToken cancellationToken) =>
        CredentialHash.FromHex(CredentialKind.Certificate, thumbprint) is { } hash
            ? CheckAsync(hash, thumbprint, cancellationToken)
            : ValueTask.FromResult(CallerCredentialCheck.Unknown);

    /// <summary>Call after a caller is registered or changes: every replica forgets what it remembered about callers.</summary>
    public async Task CallerChangedAsync(CancellationToken cancellationToken)
    {
        Forget();
        await _notifier.PublishAsync(Topic, "*", cancellationToken);
    }

    public void Dispose() => _reload.Dispose();

    /// <summary>From memory when the credential is registered and remembered; otherwise the set and the store decide.</summary>
    private ValueTask<CallerCredentialCheck> CheckAsync(CredentialHash hash, string? thumbprint, CancellationToken cancellationToken) =>
        _credentials is { } credentials && credentials.Hashes.Contains(hash) && Recall(_known, hash) is { } remembered
            ? ValueTask.FromResult(remembered)
            : new ValueTask<CallerCredentialCheck>(LookUpAsync(hash, thumbprint, cancellationToken));

    private async Task<CallerCredentialCheck> LookUpAsync(CredentialHash hash, string? thumbprint, CancellationToken cancellationToken)
    {
        if (!await RegisteredAsync(hash, cancellationToken))
        {
            return CallerCredentialCheck.Unknown;
        }

        var known = _known;
        if (Recall(known, hash) is { } remembered)
        {
            return remembered;
        }

        var check = CallerCredentialCheck.From(thumbprint is null
            ? await _store.FindByApiKeyHashAsync(hash.ToArray(), cancellationToken)
            : await _store.FindByCertificateAsync(thumbprint, cancellationToken));
        if (check.Status != CallerCredentialStatus.Unknown && ReferenceEquals(known, _known))
        {
            if (known.Count >= MaxRemembered)
            {
                known.Clear();
            }

            var lifetime = _notifier.Delivering ? Lifetime : UndeliveredLifetime;
            known[hash] = new Remembered(check, (_time.GetUtcNow() + lifetime).UtcTicks);
        }

        return check;
    }

    private CallerCredentialCheck? Recall(ConcurrentDictionary<CredentialHash, Remembered> known, CredentialHash hash) =>
        known.TryGetValue(hash, out var remembered) && _time.GetUtcNow().UtcTicks < remembered.ExpiresAtTicks ? remembered.Check : null;

    private async Task<bool> RegisteredAsync(CredentialHash hash, CancellationToken cancellationToken)
    {
        var credentials = _credentials;
        if (credentials is not null && (credentials.Hashes.Contains(hash) || _time.GetUtcNow() - credentials.LoadedAt < MissReloadInterval))
        {
            return credentials.Hashes.Contains(hash);
        }

        // One reload at a time; whoever waited uses the set the first one loaded.
        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (_credentials is { } loaded && !ReferenceEquals(loaded, credentials))
            {
                return loaded.Hashes.Contains(hash);
            }

            var (keys, thumbprints) = await _store.CredentialsAsync(cancellationToken);
            var hashes = keys.Select(k => CredentialHash.FromHex(CredentialKind.ApiKey, k))
                .Concat(thumbprints.Select(t => CredentialHash.FromHex(CredentialKind.Certificate, t)))
                .OfType<CredentialHash>()
                .ToHashSet();
            var fresh = new Credentials(hashes, _time.GetUtcNow());
            _credentials = fresh;
            return fresh.Hashes.Contains(hash);
        }
        finally
        {
            _reload.Release();
        }
    }

    private void Forget()
    {
        _credentials = null;

        // A new table rather than Clear(): a lookup in flight that read the old one must not write its answer back.
        Interlocked.Exchange(ref _known, new ConcurrentDictionary<CredentialHash, Remembered>());
    }

    private sealed record Credentials(HashSet<CredentialHash> Hashes, DateTimeOffset LoadedAt);

    private sealed record Remembered(CallerCredentialCheck Check, long ExpiresAtTicks);
}
