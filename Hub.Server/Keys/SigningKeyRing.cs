using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dapper;
using Hub.Core.Access;
using Hub.Core.Errors;
using Hub.Server.Infrastructure.Postgres;
using Hub.Server.Infrastructure.Secrets;
using Hub.Signing.Sm2;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Server.Keys;

/// <summary>
/// The hub's SM2 seal keys and its document certificate, kept in PostgreSQL with private keys encrypted by the master
/// key. Public keys and statuses are cached and re-read at most every few seconds, so a rotation or revocation on
/// one replica reaches the others within <see cref="RefreshInterval"/>; the replica that made the change sees it at once.
/// </summary>
public sealed class SigningKeyRing(
    NpgsqlDataSource dataSource,
    MasterKey masterKey,
    PostgresAccessLog accessLog,
    IOptions<SigningOptions> options,
    TimeProvider time) : IDisposable
{
    private readonly Sm2Engine _engine = options.Value.SelectedEngine;

    public const string Algorithm = "SM2-SM3";
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private volatile KeySnapshot? _snapshot;

    /// <summary>The certificate (with its RSA private key) that signs exported documents.</summary>
    public X509Certificate2 DocumentCertificate => Snapshot.DocumentCertificate;

    /// <summary>Creates the first seal key and document certificate when there are none, then loads them.</summary>
    public async Task InitializeAsync(string documentSubject, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM signing_keys WHERE status = 'ACTIVE')", cancellationToken: cancellationToken)))
            {
                await InsertKeyAsync(connection, null, Sm2KeyPair.Generate(_engine), onConflictDoNothing: true, cancellationToken);
            }

            if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM document_certificates WHERE active)", cancellationToken: cancellationToken)))
            {
                await InsertDocumentCertificateAsync(connection, documentSubject, cancellationToken);
            }
        }

        await RefreshAsync(cancellationToken);
    }

    /// <summary>The active key, for sealing.</summary>
    public async ValueTask<Sm2KeyPair> ActiveKeyAsync(CancellationToken cancellationToken) => (await CurrentAsync(cancellationToken)).Active;

    /// <summary>A key by id (any status), or null when the hub never had it.</summary>
    public async ValueTask<SigningKeyInfo?> FindAsync(string keyId, CancellationToken cancellationToken)
    {
        var snapshot = await CurrentAsync(cancellationToken);
        if (snapshot.Keys.TryGetValue(keyId, out var key))
        {
            return key;
        }

        // A key made on another replica since the last refresh.
        await RefreshAsync(cancellationToken);
        return Snapshot.Keys.GetValueOrDefault(keyId);
    }

    public async ValueTask<IReadOnlyList<SigningKeyInfo>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await CurrentAsync(cancellationToken)).Keys.Values.OrderBy(k => k.CreatedAt)];

    public async ValueTask<IReadOnlyList<X509Certificate2>> DocumentCertificatesAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken)).DocumentCertificates;

    /// <summary>Makes a new key active and retires the previous one, in one transaction with its audit entry.</summary>
    public async Task<(string KeyId, string RetiredKeyId)> RotateAsync(Guid callerId, CancellationToken cancellationToken)
    {
        var key = Sm2KeyPair.Generate(_engine);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var retired = await RetireActiveAsync(connection, transaction, cancellationToken);
        await InsertKeyAsync(connection, transaction, key, onConflictDoNothing: false, cancellationToken);
        await accessLog.AppendAsync(connection, transaction, new AccessRecord
        {
            CallerId = callerId,
            Action = "admin.RotateSigningKey",
            ObjectType = "signing_key",
            ObjectId = key.KeyId,
            Outcome = "OK",
        }, cancellationToken);
        await accessLog.CommitAsync(transaction, cancellationToken);
        await RefreshAsync(cancellationToken);
        return (key.KeyId, retired ?? string.Empty);
    }

    /// <summary>Revokes a key (compromise). Revoking the active key first rotates to a new one.</summary>
    public async Task<Outcome<(string KeyId, string ActiveKeyId)>> RevokeAsync(string keyId, string reason, Guid callerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT status FROM signing_keys WHERE key_id = @keyId FOR UPDATE", new { keyId }, transaction, cancellationToken: cancellationToken));
        if (status is null)
        {
            return HubError.NotFound("SIGNING_KEY_NOT_FOUND", "no seal key has this key_id.");
        }

        if (status == "REVOKED")
        {
            return HubError.FailedPrecondition("SIGNING_KEY_REVOKED", "this key is already revoked.");
        }

        string? newKeyId = null;
        if (status == "ACTIVE")
        {
            var replacement = Sm2KeyPair.Generate(_engine);
            await RetireActiveAsync(connection, transaction, cancellationToken);
            await InsertKeyAsync(connection, transaction, replacement, onConflictDoNothing: false, cancellationToken);
            newKeyId = replacement.KeyId;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE signing_keys SET status = 'REVOKED', revoked_at = @now, revocation_reason = @reason WHERE key_id = @keyId",
            new { now = time.GetUtcNow(), reason, keyId },
            transaction,
            cancellationToken: cancellationToken));
        await accessLog.AppendAsync(connection, transaction, new AccessRecord
        {
            CallerId = callerId,
            Action = "admin.RevokeSigningKey",
            ObjectType = "signing_key",
            ObjectId = keyId,
            Outcome = "OK",
        }, cancellationToken);
        await accessLog.CommitAsync(transaction, cancellationToken);
        await RefreshAsync(cancellationToken);
        return (keyId, newKeyId ?? Snapshot.Active.KeyId);
    }

    public void Dispose() => _refreshLock.Dispose();

    private KeySnapshot Snapshot => _snapshot ?? throw new InvalidOperationException("the signing key ring is not initialized");

    private async ValueTask<KeySnapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = Snapshot;
        if (time.GetUtcNow() - snapshot.LoadedAt > RefreshInterval)
        {
            await RefreshAsync(cancellationToken);
        }

        return Snapshot;
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            const string keysSql = """
                SELECT key_id AS KeyId, algorithm AS Algorithm, public_key AS PublicKey, private_key_encrypted AS PrivateKeyEncrypted,
                       status AS Status, created_at AS CreatedAt, retired_at AS RetiredAt, revoked_at AS RevokedAt,
                       revocation_reason AS RevocationReason
                FROM signing_keys
                """;
            var rows = (await connection.QueryAsync<KeyRow>(new CommandDefinition(keysSql, cancellationToken: cancellationToken))).ToList();
            var keys = rows.ToDictionary(r => r.KeyId, r => new SigningKeyInfo(
                r.KeyId,
                r.Algorithm,
                OwnPublicKey(r.KeyId, r.PublicKey),
                Enum.Parse<SigningKeyStatus>(r.Status, ignoreCase: true),
                Utc(r.CreatedAt),
                r.RetiredAt is { } retired ? Utc(retired) : null,
                r.RevokedAt is { } revoked ? Utc(revoked) : null,
                r.RevocationReason));
            var activeRow = rows.Single(r => r.Status == "ACTIVE");
            var active = _snapshot?.Active.KeyId == activeRow.KeyId
                ? _snapshot.Active
                : Sm2KeyPair.FromPkcs8(masterKey.Open(activeRow.PrivateKeyEncrypted, KeyAad(activeRow.KeyId)), _engine);

            const string certificatesSql = """
                SELECT thumbprint AS Thumbprint, certificate AS Certificate, private_key_encrypted AS PrivateKeyEncrypted, active AS Active
                FROM document_certificates ORDER BY created_at
                """;
            var certificates = (await connection.QueryAsync<CertificateRow>(new CommandDefinition(certificatesSql, cancellationToken: cancellationToken))).ToList();
            var activeCertificate = _snapshot?.DocumentCertificateThumbprint == certificates.Single(c => c.Active).Thumbprint
                ? _snapshot.DocumentCertificate
                : LoadDocumentCertificate(certificates.Single(c => c.Active));
            _snapshot = new KeySnapshot(
                time.GetUtcNow(),
                keys,
                active,
                activeCertificate,
                certificates.Single(c => c.Active).Thumbprint,
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

    private static async Task<string?> RetireActiveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "UPDATE signing_keys SET status = 'RETIRED', retired_at = now() WHERE status = 'ACTIVE' RETURNING key_id",
            transaction: transaction,
            cancellationToken: cancellationToken));

    private async Task InsertKeyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Sm2KeyPair key, bool onConflictDoNothing, CancellationToken cancellationToken)
    {
        var sql = """
            INSERT INTO signing_keys (key_id, algorithm, public_key, private_key_encrypted, status, created_at)
            VALUES (@KeyId, @Algorithm, @PublicKey, @PrivateKey, 'ACTIVE', @now)
            """ + (onConflictDoNothing ? " ON CONFLICT DO NOTHING" : string.Empty);
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                key.KeyId,
                Algorithm,
                PublicKey = key.PublicKey.SubjectPublicKeyInfo,
                PrivateKey = masterKey.Seal(key.ExportPkcs8(), KeyAad(key.KeyId)),
                now = time.GetUtcNow(),
            },
            transaction,
            cancellationToken: cancellationToken));
    }

    private async Task InsertDocumentCertificateAsync(NpgsqlConnection connection, string subject, CancellationToken cancellationToken)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        var thumbprint = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO document_certificates (thumbprint, certificate, private_key_encrypted, active, created_at)
            VALUES (@thumbprint, @certificate, @privateKey, true, @now) ON CONFLICT DO NOTHING
            """,
            new { thumbprint, certificate = certificate.RawData, privateKey = masterKey.Seal(rsa.ExportPkcs8PrivateKey(), CertificateAad(thumbprint)), now },
            cancellationToken: cancellationToken));
    }

    private X509Certificate2 LoadDocumentCertificate(CertificateRow row)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(row.Certificate);
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(masterKey.Open(row.PrivateKeyEncrypted, CertificateAad(row.Thumbprint)), out _);
        using var withKey = certificate.CopyWithPrivateKey(rsa);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private static string KeyAad(string keyId) => $"signing_keys:{keyId}";

    private static string CertificateAad(string thumbprint) => $"document_certificates:{thumbprint}";

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed record KeySnapshot(
        DateTimeOffset LoadedAt,
        IReadOnlyDictionary<string, SigningKeyInfo> Keys,
        Sm2KeyPair Active,
        X509Certificate2 DocumentCertificate,
        string DocumentCertificateThumbprint,
        IReadOnlyList<X509Certificate2> DocumentCertificates);

    private sealed class KeyRow
    {
        public string KeyId { get; init; } = string.Empty;

        public string Algorithm { get; init; } = string.Empty;

        public byte[] PublicKey { get; init; } = [];

        public byte[] PrivateKeyEncrypted { get; init; } = [];

        public string Status { get; init; } = string.Empty;

        public DateTime CreatedAt { get; init; }

        public DateTime? RetiredAt { get; init; }

        public DateTime? RevokedAt { get; init; }

        public string? RevocationReason { get; init; }
    }

    private sealed class CertificateRow
    {
        public string Thumbprint { get; init; } = string.Empty;

        public byte[] Certificate { get; init; } = [];

        public byte[] PrivateKeyEncrypted { get; init; } = [];

        public bool Active { get; init; }
    }
}
