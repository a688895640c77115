using System.Net;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Hub.Server.Callers;
using Hub.Server.Infrastructure.Hosting;
using Hub.Server.Infrastructure.InProcess;
using Microsoft.Extensions.Options;

namespace Hub.Tests.Unit;

/// <summary>
/// The authentication path of every call: a remembered API key is answered from memory without a store round trip
/// and without allocating; what is not registered, or no longer is, is never answered from memory.
/// </summary>
public sealed class CallerAuthenticatorUnitTests
{
    private static readonly Caller Verifier = new(Guid.NewGuid(), "11610100MB1000000Q", "单位", "system", new HashSet<Role> { Role.Verifier }, DataLevel.L2Internal);

    [Fact]
    public async Task ARememberedKey_IsAnsweredFromMemory_WithoutAllocating()
    {
        var key = ApiKeys.Generate();
        var store = new Store(key);
        using var authenticator = new CallerAuthenticator(store, new InProcessChangeNotifier(), TimeProvider.System);
        var header = "Bearer " + key;
        Assert.Equal(CallerCredentialStatus.Active, (await authenticator.ByApiKeyAsync(header.AsMemory(7), default)).Status);
        var lookups = store.Lookups;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            var pending = authenticator.ByApiKeyAsync(header.AsMemory(7), default);
            Assert.True(pending.IsCompletedSuccessfully);
            Assert.Same(Verifier, (await pending).Caller);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(lookups, store.Lookups);
    }

    [Fact]
    public async Task AnUnknownKey_IsRefusedWithoutAStoreLookup_AndAChangedCallerIsLookedUpAgain()
    {
        var key = ApiKeys.Generate();
        var store = new Store(key);
        var notifier = new InProcessChangeNotifier();
        using var authenticator = new CallerAuthenticator(store, notifier, TimeProvider.System);
        await authenticator.ByApiKeyAsync(key.AsMemory(), default);

        Assert.Equal(CallerCredentialStatus.Unknown, (await authenticator.ByApiKeyAsync(ApiKeys.Generate().AsMemory(), default)).Status);
        Assert.Equal(CallerCredentialStatus.Unknown, (await authenticator.ByApiKeyAsync("   ".AsMemory(), default)).Status);
        Assert.Equal(1, store.Lookups);

        store.Disabled = true;
        await authenticator.CallerChangedAsync(default);
        Assert.Equal(CallerCredentialStatus.Disabled, (await authenticator.ByApiKeyAsync(key.AsMemory(), default)).Status);
        Assert.Equal(2, store.Lookups);
    }

    [Fact]
    public void TheThrottle_OfAnAddressThatNeverFailed_AllocatesNothing()
    {
        var throttle = new FailedAuthenticationThrottle(Options.Create(new RateLimitOptions()), TimeProvider.System);
        var peer = IPAddress.Loopback;
        throttle.Failed(IPAddress.Parse("10.0.0.1"));
        Assert.Equal(TimeSpan.Zero, throttle.Throttled(peer));

        var throttled = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            // Counted, not asserted in the loop: xUnit's Assert.Equal allocates.
            throttled += throttle.Throttled(peer) > TimeSpan.Zero ? 1 : 0;
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(0, throttled);
    }

    /// <summary>One caller with one key: what the authenticator asks of the store, counted.</summary>
    private sealed class Store(string apiKey) : ICallerStore
    {
        private readonly string _hashHex = Convert.ToHexStringLower(ApiKeys.Hash(apiKey));

        public int Lookups { get; private set; }

        public bool Disabled { get; set; }

        public Task<CallerRecord?> FindByApiKeyHashAsync(byte[] apiKeyHash, CancellationToken cancellationToken)
        {
            Lookups++;
            return Task.FromResult<CallerRecord?>(Convert.ToHexStringLower(apiKeyHash) == _hashHex
                ? new CallerRecord(Verifier, [], DateTimeOffset.UtcNow, Disabled ? DateTimeOffset.UtcNow : null, Disabled ? "test" : null)
                : null);
        }

        public Task<(IReadOnlyList<string> ApiKeyHashes, IReadOnlyList<string> Thumbprints)> CredentialsAsync(CancellationToken cancellationToken) =>
            Task.FromResult<(IReadOnlyList<string>, IReadOnlyList<string>)>(([_hashHex], []));

        public Task<CallerRecord?> FindByIdAsync(Guid callerId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<CallerRecord?> FindByCertificateAsync(string thumbprint, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> AnyActiveAdminAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Outcome<CallerRecord>> RegisterAsync(NewCaller caller, byte[] apiKeyHash, Guid? registeredBy, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Outcome<CallerRecord>> DisableAsync(Guid callerId, string reason, Guid disabledBy, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Outcome<CallerRecord>> ReplaceApiKeyAsync(Guid callerId, byte[] apiKeyHash, string reason, Guid rotatedBy, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<(IReadOnlyList<CallerRecord> Callers, string? NextCursor)> ListAsync(PageRequest page, bool includeDisabled, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
