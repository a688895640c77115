using System.Text;
using Dapper;
using Hub.Licenses.V1;
using Hub.Server.Infrastructure.Postgres;
using Hub.Server.Infrastructure.Secrets;
using Npgsql;

namespace Hub.Server.Licenses;

/// <summary>
/// Licenses and their sealed versions in PostgreSQL. Sealed content is stored only encrypted (bound to its
/// identifier), holders only as blind indexes. Every method runs on the caller's connection and transaction, so a
/// change, its idempotency record and its audit entry commit together.
/// </summary>
public sealed class PostgresLicenseStore(DataProtector protector)
{
    private const string SelectVersion = """
        SELECT l.license_id AS LicenseId, v.identifier AS Identifier, v.version AS Version, l.current_version AS CurrentVersion,
               l.status AS Status, l.status_reason AS StatusReason, l.holder_index AS HolderIndex,
               v.content_encrypted AS ContentEncrypted, v.content_hash AS ContentHash, v.seal AS Seal, v.seal_key_id AS SealKeyId
        FROM license_versions v JOIN licenses l ON l.license_id = v.license_id
        """;

    private const string InsertVersionSql = """
        INSERT INTO license_versions (identifier, license_id, version, valid_from, valid_until, content_encrypted, content_hash,
                                      seal, seal_key_id, created_at, created_by)
        VALUES (@Identifier, @licenseId, @Version, @validFrom, @validUntil, @encrypted, @hash, @seal, @sealKeyId, @now, @createdBy);
        """;

    /// <summary>Stores a sealed version of an existing license and makes it the license's current one.</summary>
    public async Task InsertVersionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid licenseId, SealedVersion version, Guid createdBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var content = version.Content;
        const string sql = InsertVersionSql + "UPDATE licenses SET current_version = @Version WHERE license_id = @licenseId;";
        await connection.ExecuteAsync(new CommandDefinition(
            sql,
            new
            {
                content.Identifier,
                licenseId,
                content.Version,
                validFrom = content.ValidFrom.ToDateTime(TimeOnly.MinValue),
                validUntil = content.ValidUntil?.ToDateTime(TimeOnly.MinValue),
                encrypted = EncryptContent(version),
                hash = version.ContentHash,
                seal = version.Seal,
                sealKeyId = version.SealKeyId,
                now,
                createdBy,
            },
            transaction,
            cancellationToken: cancellationToken));
    }

    /// <summary>The sealed content encrypted at rest, bound to its identifier.</summary>
    public byte[] EncryptContent(SealedVersion version) =>
        protector.Encrypt(Encoding.UTF8.GetBytes(version.CanonicalJson), Aad(version.Content.Identifier));

    public async Task<StoredLicense?> FindAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string identifier, bool forUpdate, CancellationToken cancellationToken)
    {
        var sql = SelectVersion + " WHERE v.identifier = @identifier" + (forUpdate ? " FOR UPDATE OF l" : string.Empty);
        var row = await connection.QuerySingleOrDefaultAsync<VersionRow>(new CommandDefinition(sql, new { identifier }, transaction, cancellationToken: cancellationToken));
        return row is null ? null : ToStored(row);
    }

    /// <summary>The current version of a license.</summary>
    public async Task<StoredLicense> CurrentAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid licenseId, CancellationToken cancellationToken)
    {
        const string sql = SelectVersion + " WHERE l.license_id = @licenseId AND v.version = l.current_version";
        var row = await connection.QuerySingleAsync<VersionRow>(new CommandDefinition(sql, new { licenseId }, transaction, cancellationToken: cancellationToken));
        return ToStored(row);
    }

    /// <summary>A holder's licenses (current versions), newest first, keyset-paged by (issued_at, license_id).</summary>
    public async Task<(IReadOnlyList<StoredLicense> Licenses, string? NextCursor)> ListByHolderAsync(
        NpgsqlConnection connection, byte[] holderIndex, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        var (afterTime, afterId) = TimeIdCursor.Parse(cursor);
        const string sql = SelectVersion + """
             WHERE l.holder_index = @holderIndex AND v.version = l.current_version
               AND (@afterTime::timestamptz IS NULL OR (l.issued_at, l.license_id) < (@afterTime, @afterId))
             ORDER BY l.issued_at DESC, l.license_id DESC
             LIMIT @limit
            """;
        var rows = (await connection.QueryAsync<VersionRowWithIssued>(new CommandDefinition(
            sql.Replace("SELECT l.license_id AS LicenseId", "SELECT l.issued_at AS IssuedAt, l.license_id AS LicenseId", StringComparison.Ordinal),
            new { holderIndex, afterTime, afterId, limit = pageSize + 1 },
            cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(pageSize).ToList();
        var next = rows.Count > pageSize
            ? TimeIdCursor.Encode(new DateTimeOffset(DateTime.SpecifyKind(page[^1].IssuedAt, DateTimeKind.Utc)), page[^1].LicenseId)
            : null;
        return ([.. page.Select(ToStored)], next);
    }

    public static async Task<LicenseState> ReadStateAsync(NpgsqlConnection connection, Guid licenseId, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleAsync<(int CurrentVersion, string Status, string? StatusReason)>(new CommandDefinition(
            "SELECT current_version, status, status_reason FROM licenses WHERE license_id = @licenseId",
            new { licenseId },
            cancellationToken: cancellationToken));
        return new LicenseState(row.CurrentVersion, LicenseStatusRules.Parse(row.Status), row.StatusReason);
    }

    public static async Task UpdateStatusAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid licenseId, LicenseStatus status, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE licenses SET status = @status, status_reason = @reason, status_changed_at = @now WHERE license_id = @licenseId",
            new { status = LicenseStatusRules.Name(status), reason, now, licenseId },
            transaction,
            cancellationToken: cancellationToken));

    private StoredLicense ToStored(VersionRow row)
    {
        var json = Encoding.UTF8.GetString(protector.Decrypt(row.ContentEncrypted, Aad(row.Identifier)));
        return new StoredLicense(
            row.LicenseId,
            row.Identifier,
            row.Version,
            row.CurrentVersion,
            LicenseStatusRules.Parse(row.Status),
            row.StatusReason,
            row.HolderIndex,
            json,
            SealedContent.Parse(json),
            row.ContentHash,
            row.Seal,
            row.SealKeyId);
    }

    private static string Aad(string identifier) => $"license_versions:{identifier}";

    private class VersionRow
    {
        public Guid LicenseId { get; init; }

        public string Identifier { get; init; } = string.Empty;

        public int Version { get; init; }

        public int CurrentVersion { get; init; }

        public string Status { get; init; } = string.Empty;

        public string? StatusReason { get; init; }

        public byte[] HolderIndex { get; init; } = [];

        public byte[] ContentEncrypted { get; init; } = [];

        public byte[] ContentHash { get; init; } = [];

        public byte[] Seal { get; init; } = [];

        public string SealKeyId { get; init; } = string.Empty;
    }

    private sealed class VersionRowWithIssued : VersionRow
    {
        public DateTime IssuedAt { get; init; }
    }
}
