using Hub.Core.Disclosure;
using Hub.Core.Ports;
using Hub.Licenses.V1;
using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.Telemetry;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Hub.Server.Licenses;

/// <summary>
/// Finds license versions for reads and verification without a database round trip per call where it can.
/// A version's sealed content never changes, so it is kept in this replica's memory (never in Redis: it holds
/// decrypted personal data). A license's state (status, current version) is cached briefly and evicted on every
/// replica the moment it changes, through <see cref="IChangeNotifier"/> (Redis pub/sub when configured). While notices
/// cannot arrive, a state is kept for <see cref="UndeliveredStateLifetime"/> only, so a change made on another replica
/// is seen within that; when they can again, every state is forgotten (notices may have been missed meanwhile).
/// </summary>
public sealed class LicenseLookup : ILicenseDirectory, IDisposable
{
    public const string Topic = "license";
    public static readonly TimeSpan StateLifetime = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan UndeliveredStateLifetime = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ContentLifetime = TimeSpan.FromMinutes(10);

    private readonly ILicenseStore _store;
    private readonly IChangeNotifier _notifier;
    private readonly MemoryCache _content;
    private readonly MemoryCache _state;

    // Bumped by every eviction: a state read that raced with a change is not cached (it may be the old state).
    private long _epoch;

    public LicenseLookup(ILicenseStore store, IChangeNotifier notifier, IOptions<LicenseOptions> options, HubMetrics? metrics = null)
    {
        _content = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.ContentCacheMegabytes * 1024L * 1024L, TrackStatistics = true });
        _state = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.StateCacheEntries, TrackStatistics = true });
        metrics?.ObserveCache("license_content", _content);
        metrics?.ObserveCache("license_state", _state);
        _store = store;
        _notifier = notifier;
        notifier.Subscribe(Topic, key =>
        {
            if (key == IChangeNotifier.Everything)
            {
                EvictAll();
            }
            else if (Guid.TryParse(key, out var licenseId))
            {
                Evict(licenseId);
            }
        });
    }

    public async Task<StoredLicense?> FindAsync(string identifier, CancellationToken cancellationToken)
    {
        if (_content.TryGetValue(identifier, out StoredLicense? content) && content is not null)
        {
            var state = await StateAsync(content.LicenseId, cancellationToken);
            return content with { CurrentVersion = state.CurrentVersion, StoredStatus = state.Status, StatusReason = state.StatusReason };
        }

        var epoch = Interlocked.Read(ref _epoch);
        var stored = await _store.FindAsync(identifier, cancellationToken);
        if (stored is not null)
        {
            _content.Set(identifier, stored, new MemoryCacheEntryOptions { Size = CachedLicenseSize.Estimate(stored), SlidingExpiration = ContentLifetime });
            CacheState(stored.LicenseId, new LicenseState(stored.CurrentVersion, stored.StoredStatus, stored.StatusReason), epoch);
        }

        return stored;
    }

    public (License License, DisclosedRecord Disclosed) View(StoredLicense stored, LicenseTypeDefinition type, DisclosureContext context, DateOnly today) =>
        LicenseView.Build(stored, type, context, today);

    public async Task ChangedAsync(Guid licenseId, CancellationToken cancellationToken)
    {
        Evict(licenseId);
        await _notifier.PublishAsync(Topic, licenseId.ToString(), cancellationToken);
    }

    public void Dispose()
    {
        _content.Dispose();
        _state.Dispose();
    }

    private async Task<LicenseState> StateAsync(Guid licenseId, CancellationToken cancellationToken)
    {
        if (_state.TryGetValue(licenseId, out LicenseState? cached) && cached is not null)
        {
            return cached;
        }

        var epoch = Interlocked.Read(ref _epoch);
        var state = await _store.ReadStateAsync(licenseId, cancellationToken);
        CacheState(licenseId, state, epoch);
        return state;
    }

    private void CacheState(Guid licenseId, LicenseState state, long epochBeforeRead)
    {
        if (Interlocked.Read(ref _epoch) == epochBeforeRead)
        {
            var lifetime = _notifier.Delivering ? StateLifetime : UndeliveredStateLifetime;
            _state.Set(licenseId, state, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = lifetime });
        }
    }

    private void Evict(Guid licenseId)
    {
        Interlocked.Increment(ref _epoch);
        _state.Remove(licenseId);
    }

    private void EvictAll()
    {
        Interlocked.Increment(ref _epoch);
        _state.Clear();
    }
}
