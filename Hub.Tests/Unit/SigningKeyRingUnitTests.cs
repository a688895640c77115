using System.Security.Cryptography;
using Hub.Core.Errors;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Keys;
using Hub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Hub.Tests.Unit;

/// <summary>
/// The key ring's reloads: key ids come from outside, so made-up ones must not turn every call into a reload; a due
/// reload runs beside the requests, never in them, unless the keys it has are past the stale limit.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SigningKeyRingUnitTests
{
    private readonly CountingKeyStore _store = new();
    private readonly MovableClock _clock = new();

    [Fact]
    public async Task Made_up_key_ids_reload_the_ring_at_most_once_a_second_however_many_arrive_together()
    {
        using var ring = await StartRingAsync();
        var loads = _store.Loads;

        var fresh = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => ring.FindAsync($"made-up-{i}", TestContext.Current.CancellationToken).AsTask()));
        _clock.Advance(TimeSpan.FromSeconds(2));
        var stale = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => ring.FindAsync($"other-{i}", TestContext.Current.CancellationToken).AsTask()));

        Assert.All(fresh.Concat(stale), Assert.Null);
        Assert.Equal(loads + 1, _store.Loads);
    }

    [Fact]
    public async Task A_due_reload_runs_once_beside_the_requests_which_answer_from_the_keys_they_have_until_it_lands()
    {
        using var ring = await StartRingAsync();
        var keyId = _store.ActiveKeyId;
        var loads = _store.Loads;
        _store.Revoke(keyId, "测试吊销");
        var reload = _store.HoldNextLoad();
        _clock.Advance(SigningKeyRing.RefreshInterval + TimeSpan.FromSeconds(1));

        // The reload is held in the store, yet every request answers — from the snapshot it has — and no request
        // starts a second one.
        var first = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => ring.FindAsync(keyId, TestContext.Current.CancellationToken).AsTask()))
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (_store.Loads == loads)
        {
            Assert.True(DateTime.UtcNow < deadline, "no background reload started");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        var then = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => ring.FindAsync(keyId, TestContext.Current.CancellationToken).AsTask()))
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.All(first.Concat(then), k => Assert.Equal(SigningKeyStatus.Active, k!.Status));
        Assert.Equal(loads + 1, _store.Loads);

        reload.SetResult();
        while ((await ring.FindAsync(keyId, TestContext.Current.CancellationToken))!.Status != SigningKeyStatus.Revoked)
        {
            Assert.True(DateTime.UtcNow < deadline, "the background reload never landed");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.Equal(loads + 1, _store.Loads);
    }

    [Fact]
    public async Task Keys_past_the_stale_limit_are_reloaded_in_the_request_which_fails_with_the_store_rather_than_trust_them()
    {
        using var ring = await StartRingAsync();
        var keyId = _store.ActiveKeyId;
        _store.Failing = true;

        // Due but within the limit: the request answers; the failed background reload is logged, not thrown.
        _clock.Advance(SigningKeyRing.RefreshInterval + TimeSpan.FromSeconds(1));
        Assert.NotNull(await ring.FindAsync(keyId, TestContext.Current.CancellationToken));

        _clock.Advance(SigningKeyRing.StaleLimit);
        await Assert.ThrowsAsync<TimeoutException>(async () => await ring.FindAsync(keyId, TestContext.Current.CancellationToken));

        _store.Failing = false;
        _store.Revoke(keyId, "测试吊销");
        Assert.Equal(SigningKeyStatus.Revoked, (await ring.FindAsync(keyId, TestContext.Current.CancellationToken))!.Status);
    }

    private async Task<SigningKeyRing> StartRingAsync()
    {
        var ring = new SigningKeyRing(
            _store, MasterKey.Resolve(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Path.GetTempPath(), embedded: false),
            Options.Create(new SigningOptions { PrecomputeOwnKeys = false }), _clock, NullLogger<SigningKeyRing>.Instance);
        await ring.InitializeAsync("CN=test", TestContext.Current.CancellationToken);
        return ring;
    }

    private sealed class CountingKeyStore : ISigningKeyStore
    {
        private readonly List<StoredSigningKey> _keys = [];
        private readonly List<StoredDocumentCertificate> _certificates = [];
        private int _loads;
        private TaskCompletionSource? _hold;
        private Func<StoredSigningKey>? _newKey;

        public int Loads => Volatile.Read(ref _loads);

        public bool Failing { get; set; }

        public string ActiveKeyId => _keys.Single(k => k.Status == SigningKeyStatus.Active).KeyId;

        /// <summary>Marks a key revoked in the store only, as another replica's revocation would.</summary>
        public void Revoke(string keyId, string reason)
        {
            var i = _keys.FindIndex(k => k.KeyId == keyId);
            _keys[i] = _keys[i] with { Status = SigningKeyStatus.Revoked, RevocationReason = reason };
            _keys.Add(_newKey!());
        }

        /// <summary>The next load waits until the returned source is set.</summary>
        public TaskCompletionSource HoldNextLoad() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task EnsureActiveKeyAsync(Func<StoredSigningKey> first, CancellationToken cancellationToken)
        {
            _newKey = first;
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
            Interlocked.Increment(ref _loads);
            await Task.Yield(); // a round trip: concurrent misses overlap it
            if (Interlocked.Exchange(ref _hold, null) is { } hold)
            {
                await hold.Task;
            }

            if (Failing)
            {
                throw new TimeoutException("the store did not answer");
            }

            return ([.. _keys], [.. _certificates]);
        }

        public Task<string?> RotateAsync(StoredSigningKey key, Guid callerId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Outcome<string?>> RevokeAsync(string keyId, string reason, Func<StoredSigningKey> replacement, Guid callerId, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
