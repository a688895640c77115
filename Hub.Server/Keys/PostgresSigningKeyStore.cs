using Dapper;
using Hub.Core.Access;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Events;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Server.Keys;

/// <summary><see cref="ISigningKeyStore"/> in PostgreSQL: <c>signing_keys</c> and <c>document_certificates</c>.</summary>
public sealed class PostgresSigningKeyStore(NpgsqlDataSource dataSource, PostgresAccessLog accessLog, TimeProvider time) : ISigningKeyStore
{
    private const string InsertKeySql = """
        INSERT INTO signing_keys (key_id, algorithm, public_key, private_key_encrypted, status, created_at)
        VALUES (@KeyId, @Algorithm, @PublicKey, @PrivateKeySealed, 'ACTIVE', @CreatedAt)
        """;

    public async Task EnsureActiveKeyAsync(Func<StoredSigningKey> first, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM signing_keys WHERE status = 'ACTIVE')", cancellationToken: cancellationToken)))
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertKeySql + " ON CONFLICT DO NOTHING", first(), cancellationToken: cancellationToken));
        }
    }

    public async Task EnsureDocumentCertificateAsync(Func<StoredDocumentCertificate> first, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM document_certificates WHERE active)", cancellationToken: cancellationToken)))
        {
            var certificate = first();
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO document_certificates (thumbprint, certificate, private_key_encrypted, active, created_at)
                VALUES (@Thumbprint, @Certificate, @PrivateKeySealed, true, @now) ON CONFLICT DO NOTHING
                """,
                new { certificate.Thumbprint, certificate.Certificate, certificate.PrivateKeySealed, now = time.GetUtcNow() },
                cancellationToken: cancellationToken));
        }
    }

    public async Task<(IReadOnlyList<StoredSigningKey> Keys, IReadOnlyList<StoredDocumentCertificate> Certificates)> LoadAsync(CancellationToken cancellationToken)
    {
        const string keysSql = """
            SELECT key_id AS KeyId, algorithm AS Algorithm, public_key AS PublicKey, private_key_encrypted AS PrivateKeyEncrypted,
                   status AS Status, created_at AS CreatedAt, retired_at AS RetiredAt, revoked_at AS RevokedAt,
                   revocation_reason AS RevocationReason
            FROM signing_keys
            """;
        const string certificatesSql = """
            SELECT thumbprint AS Thumbprint, certificate AS Certificate, private_key_encrypted AS PrivateKeySealed, active AS Active
            FROM document_certificates ORDER BY created_at
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var keys = (await connection.QueryAsync<KeyRow>(new CommandDefinition(keysSql, cancellationToken: cancellationToken))).Select(r => r.ToStored()).ToList();
        var certificates = (await connection.QueryAsync<CertificateRow>(new CommandDefinition(certificatesSql, cancellationToken: cancellationToken)))
            .Select(c => new StoredDocumentCertificate(c.Thumbprint, c.Certificate, c.PrivateKeySealed, c.Active)).ToList();
        return (keys, certificates);
    }

    public async Task<string?> RotateAsync(StoredSigningKey key, Guid callerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var retired = await RetireActiveAsync(connection, transaction, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertKeySql, key, transaction, cancellationToken: cancellationToken));
        await accessLog.AppendAsync(
            connection, transaction, Audit(callerId, AuditActions.AdminRotateSigningKey, key.KeyId), [KeyEvent(EventTypes.SigningKeyRotated, key.KeyId, retired)], cancellationToken);
        await accessLog.CommitAsync(transaction, cancellationToken);
        return retired;
    }

    public async Task<Outcome<string?>> RevokeAsync(string keyId, string reason, Func<StoredSigningKey> replacement, Guid callerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT status FROM signing_keys WHERE key_id = @keyId FOR UPDATE", new { keyId }, transaction, cancellationToken: cancellationToken));
        if (status is null)
        {
            return HubError.NotFound(ReasonCodes.SigningKeyNotFound, "no seal key has this key_id.");
        }

        if (status == "REVOKED")
        {
            return HubError.FailedPrecondition(ReasonCodes.SigningKeyRevoked, "this key is already revoked.");
        }

        string? newKeyId = null;
        if (status == "ACTIVE")
        {
            var key = replacement();
            await RetireActiveAsync(connection, transaction, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(InsertKeySql, key, transaction, cancellationToken: cancellationToken));
            newKeyId = key.KeyId;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE signing_keys SET status = 'REVOKED', revoked_at = @now, revocation_reason = @reason WHERE key_id = @keyId",
            new { now = time.GetUtcNow(), reason, keyId },
            transaction,
            cancellationToken: cancellationToken));
        await accessLog.AppendAsync(
            connection, transaction, Audit(callerId, AuditActions.AdminRevokeSigningKey, keyId), [KeyEvent(EventTypes.SigningKeyRevoked, keyId, null, newKeyId)], cancellationToken);
        await accessLog.CommitAsync(transaction, cancellationToken);
        return newKeyId;
    }

    /// <summary>A seal key change: verifiers that cache keys refresh them (GetSigningKeys); no personal data.</summary>
    private static ChangeEvent KeyEvent(string eventType, string keyId, string? retired, string? replacement = null)
    {
        var facts = new List<EventFact>();
        if (retired is not null)
        {
            facts.Add(new EventFact("retired_key_id", retired));
        }

        if (replacement is not null)
        {
            facts.Add(new EventFact("replacement_key_id", replacement));
        }

        return new ChangeEvent { Type = eventType, ObjectType = AuditObjects.SigningKey, ObjectId = keyId, Facts = facts };
    }

    private static AccessRecord Audit(Guid callerId, string action, string keyId) => new()
    {
        CallerId = callerId,
        Action = action,
        ObjectType = AuditObjects.SigningKey,
        ObjectId = keyId,
        Outcome = AuditOutcomes.Ok,
    };

    private static async Task<string?> RetireActiveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "UPDATE signing_keys SET status = 'RETIRED', retired_at = now() WHERE status = 'ACTIVE' RETURNING key_id",
            transaction: transaction,
            cancellationToken: cancellationToken));

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

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

        public StoredSigningKey ToStored() => new(
            KeyId,
            Algorithm,
            PublicKey,
            PrivateKeyEncrypted,
            Enum.Parse<SigningKeyStatus>(Status, ignoreCase: true),
            Utc(CreatedAt),
            RetiredAt is { } retired ? Utc(retired) : null,
            RevokedAt is { } revoked ? Utc(revoked) : null,
            RevocationReason);
    }

    private sealed class CertificateRow
    {
        public string Thumbprint { get; init; } = string.Empty;

        public byte[] Certificate { get; init; } = [];

        public byte[] PrivateKeySealed { get; init; } = [];

        public bool Active { get; init; }
    }
}
