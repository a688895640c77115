using System.Security.Cryptography.X509Certificates;
using Hub.Admin.V1;
using Hub.Core.Errors;
using Hub.Server.Infrastructure.Secrets;
using Hub.Signing.Sm2;
using Microsoft.Extensions.Options;
using Caller = Hub.Core.Callers.Caller;

namespace Hub.Server.Keys;

/// <summary>
/// <see cref="ISigningKeyRing"/> over <see cref="ISigningKeyStore"/>, private keys sealed by the master key. Public keys
/// and statuses are cached and re-read every few seconds, so a rotation or revocation on one replica reaches the
/// others within <see cref="RefreshInterval"/> (and the time one reload takes); the replica that made the change sees
/// it at once.
/// <para>
/// The re-read happens beside the requests, not in them: the first request that finds the snapshot older than
/// <see cref="RefreshInterval"/> starts one reload in the background and goes on with the snapshot it has, so a
/// verification never waits on PostgreSQL for the keys. Only a snapshot past <see cref="StaleLimit"/> — a replica
/// idle that long, or background reloads that keep failing — is reloaded in the request, which then fails with the
/// store rather than trust statuses that old.
/// </para>
/// </summary>
public sealed class SigningKeyRing(
    ISigningKeyStore store,
    MasterKey masterKey,
    IOptions<SigningOptions> options,
    TimeProvider time,
    ILogger<SigningKeyRing> logger) : ISigningKeyRing, IDisposable
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How old the snapshot must be before an unknown key id reloads it: key ids come from outside (tokens, documents),
    /// so a stream of made-up ones must not turn every call into a reload.
    /// </summary>
    public static readonly TimeSpan MissRefreshInterval = TimeSpan.FromSeconds(1);

    /// <summary>The oldest snapshot a request may use while a background reload is due; older, the request reloads it.</summary>
    public static readonly TimeSpan StaleLimit = 3 * RefreshInterval;

    private readonly Sm2Engine _engine = options.Value.SelectedEngine;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private volatile KeySnapshot? _snapshot;
    private int _backgroundRefresh;

    public X509Certificate2 DocumentCertificate => Snapshot.DocumentCertificate;

    public async Task InitializeAsync(string documentSubject, CancellationToken cancellationToken)
    {
        await store.EnsureActiveKeyAsync(NewKey, cancellationToken);
        await store.EnsureDocumentCertificateAsync(() => DocumentCertificates.Create(documentSubject, masterKey, time.GetUtcNow()), cancellationToken);
        await RefreshAsync(cancellationToken);
    }

    public async ValueTask<Sm2KeyPair> ActiveKeyAsync(CancellationToken cancellationToken) => (await CurrentAsync(cancellationToken)).Active;

    public async ValueTask<SigningKeyInfo?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        if (snapshot.Keys.TryGetValue(keyId, out var key))
        {
            return key;
        }

        // A key made on another replica since the last refresh — looked for at most once a second.
        if (time.GetUtcNow() - snapshot.LoadedAt < MissRefreshInterval)
        {
            return null;
        }

        await RefreshAsync(cancellationToken, unlessNewerThan: snapshot.LoadedAt);
        return Snapshot.Keys.GetValueOrDefault(keyId);
    }

    public async ValueTask<IReadOnlyList<SigningKeyInfo>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await CurrentAsync(cancellationToken)).Keys.Values.OrderBy(k => k.CreatedAt)];

    public async ValueTask<IReadOnlyList<X509Certificate2>> DocumentCertificatesAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).DocumentCertificates;

    public async Task<Outcome<RotateSigningKeyResponse>> RotateAsync(Caller admin, CancellationToken cancellationToken)
    {
        var key = NewKey();
        var retired = await store.RotateAsync(key, admin.Id, cancellationToken) ?? string.Empty;
        await RefreshAsync(cancellationToken);
        logger.SigningKeyRotated(key.KeyId, retired);
        return new RotateSigningKeyResponse { KeyId = key.KeyId, RetiredKeyId = retired };
    }

    public async Task<Outcome<RevokeSigningKeyResponse>> RevokeAsync(Caller admin, RevokeSigningKeyCommand command, CancellationToken cancellationToken)
    {
        var revoked = await store.RevokeAsync(command.KeyId, command.Reason, NewKey, admin.Id, cancellationToken);
        if (revoked.Failed)
        {
            return revoked.Error;
        }

        await RefreshAsync(cancellationToken);
        var active = revoked.Value ?? Snapshot.Active.KeyId;
        logger.SigningKeyRevoked(command.KeyId, active);
        return new RevokeSigningKeyResponse { KeyId = command.KeyId, ActiveKeyId = active };
    }

    public void Dispose() => _refreshLock.Dispose();

    private KeySnapshot Snapshot => _snapshot ?? throw new InvalidOperationException("the signing key ring is not initialized");

    private StoredSigningKey NewKey()
    {
        var key = Sm2KeyPair.Generate(_engine);
        return new StoredSigningKey(
            key.KeyId, ISigningKeyRing.Algorithm, key.PublicKey.SubjectPublicKeyInfo, masterKey.Seal(key.ExportPkcs8(), KeyAad(key.KeyId)),
            SigningKeyStatus.Active, time.GetUtcNow(), null, null, null);
    }

    private async ValueTask<KeySnapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = Snapshot;
        var age = time.GetUtcNow() - snapshot.LoadedAt;
        if (age <= RefreshInterval)
        {
            return snapshot;
        }

        if (age > StaleLimit)
        {
            await RefreshAsync(cancellationToken, unlessNewerThan: snapshot.LoadedAt);
            return Snapshot;
        }

        StartBackgroundRefresh(snapshot.LoadedAt);
        return snapshot;
    }

    /// <summary>
    /// One reload at a time, outside the request that noticed it is due: it neither inherits the request's
    /// cancellation nor its trace (the reload is the ring's own work, not the request's), and a failure is logged and
    /// left to the next request to retry.
    /// </summary>
    private void StartBackgroundRefresh(DateTimeOffset seen)
    {
        if (Interlocked.CompareExchange(ref _backgroundRefresh, 1, 0) != 0)
        {
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await RefreshAsync(CancellationToken.None, unlessNewerThan: seen);
                }
#pragma warning disable CA1031 // a failed background reload must not crash the replica: requests reload inline past StaleLimit
                catch (Exception e)
#pragma warning restore CA1031
                {
                    logger.SigningKeysNotReloaded(e);
                }
                finally
                {
                    Volatile.Write(ref _backgroundRefresh, 0);
                }
            });
        }
    }

    /// <summary>
    /// Reloads the keys. With <paramref name="unlessNewerThan"/>, callers that queued behind another's reload use its
    /// snapshot instead of loading again: however many wait, one reload happens.
    /// </summary>
    private async Task RefreshAsync(CancellationToken cancellationToken, DateTimeOffset? unlessNewerThan = null)
    {
        await _refreshLock.WaitAsync(cancellationToken);
        try
        {
            if (unlessNewerThan is { } seen && _snapshot is { } current && current.LoadedAt > seen)
            {
                return;
            }

            var (rows, certificates) = await store.LoadAsync(cancellationToken);
            var keys = rows.ToDictionary(r => r.KeyId, r => new SigningKeyInfo(
                r.KeyId, r.Algorithm, OwnPublicKey(r.KeyId, r.PublicKey), r.Status, r.CreatedAt, r.RetiredAt, r.RevokedAt, r.RevocationReason));
            var activeRow = rows.Single(r => r.Status == SigningKeyStatus.Active);
            var active = _snapshot?.Active.KeyId == activeRow.KeyId
                ? _snapshot.Active
                : Sm2KeyPair.FromPkcs8(masterKey.Open(activeRow.PrivateKeySealed, KeyAad(activeRow.KeyId)), _engine);
            var activeCertificate = certificates.Single(c => c.Active);
            var documentCertificate = _snapshot?.DocumentCertificateThumbprint == activeCertificate.Thumbprint
                ? _snapshot.DocumentCertificate
                : DocumentCertificates.Load(activeCertificate, masterKey);
            _snapshot = new KeySnapshot(
                time.GetUtcNow(),
                keys,
                active,
                documentCertificate,
                activeCertificate.Thumbprint,
                [.. certificates.Select(c => X509CertificateLoader.LoadCertificate(c.Certificate))]);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    /// <summary>
    /// A key of the hub's own, reused from the last snapshot when known (only its status changes), else loaded and,
    /// by default, given its fixed-base table: the hub verifies its own seals and checkpoints far more than any other.
    /// </summary>
    private Sm2PublicKey OwnPublicKey(string keyId, byte[] subjectPublicKeyInfo)
    {
        if (_snapshot?.Keys.GetValueOrDefault(keyId)?.PublicKey is { } known)
        {
            return known;
        }

        var key = Sm2PublicKey.FromSubjectPublicKeyInfo(subjectPublicKeyInfo, _engine);
        if (options.Value.PrecomputeOwnKeys)
        {
            key.Precompute();
        }

        return key;
    }

    private static string KeyAad(string keyId) => $"signing_keys:{keyId}";

    private sealed record KeySnapshot(
        DateTimeOffset LoadedAt,
        IReadOnlyDictionary<string, SigningKeyInfo> Keys,
        Sm2KeyPair Active,
        X509Certificate2 DocumentCertificate,
        string DocumentCertificateThumbprint,
        IReadOnlyList<X509Certificate2> DocumentCertificates);
}
