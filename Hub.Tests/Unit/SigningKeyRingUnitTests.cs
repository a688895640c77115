using System.Security.Cryptography;
using Hub.Core.Errors;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Keys;
using Hub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hub.Tests.Unit;

/// <summary>The key ring's reloads: key ids come from outside, so made-up ones must not turn every call into a reload.</summary>
[Trait("Category", "Unit")]
public sealed class SigningKeyRingUnitTests
{
    private readonly CountingKeyStore _store = new();
    private readonly MovableClock _clock = new();

    [Fact]
    public async Task Made_up_key_ids_reload_the_ring_at_most_once_a_second_however_many_arrive_together()
    {
        using var ring = new SigningKeyRing(
            _store, MasterKey.Resolve(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Path.GetTempPath(), embedded: false),
            Options.Create(new SigningOptions { PrecomputeOwnKeys = false }), _clock, NullLogger<SigningKeyRing>.Instance);
        await ring.InitializeAsync("CN=test", TestContext.Current.CancellationToken);
        var loads = _store.Loads;

        var fresh = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => ring.FindAsync($"made-up-{i}", TestContext.Current.CancellationToken).AsTask()));
        _clock.Advance(TimeSpan.FromSeconds(2));
        var stale = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => ring.FindAsync($"other-{i}", TestContext.Current.CancellationToken).AsTask()));

        Assert.All(fresh.Concat(stale), Assert.Null);
        Assert.Equal(loads + 1, _store.Loads);
    }

    private sealed class CountingKeyStore : ISigningKeyStore
    {
        private readonly List<StoredSigningKey> _keys = [];
        private readonly List<StoredDocumentCertificate> _certificates = [];

        public int Loads { get; private set; }

        public Task EnsureActiveKeyAsync(Func<StoredSigningKey> first, CancellationToken cancellationToken)
        {
            if (_keys.Count == 0)
            {
                _keys.Add(first());
            }

            return Task.CompletedTask;
        }

        public Task EnsureDocumentCertificateAsync(Func<StoredDocumentCertificate> first, CancellationToken cancellationToken)
        {
            if (_certificates.Count == 0)
            {
                _certificates.Add(first());
            }

            return Task.CompletedTask;
        }

        public async Task<(IReadOnlyList<StoredSigningKey> Keys, IReadOnlyList<StoredDocumentCertificate> Certificates)> LoadAsync(CancellationToken cancellationToken)
        {
            Loads++;
            await Task.Yield(); // a round trip: concurrent misses overlap it
            return ([.. _keys], [.. _certificates]);
        }

        public Task<string?> RotateAsync(StoredSigningKey key, Guid callerId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Outcome<string?>> RevokeAsync(string keyId, string reason, Func<StoredSigningKey> replacement, Guid callerId, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
