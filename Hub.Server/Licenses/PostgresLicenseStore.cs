using System.Text;
using Dapper;
using Hub.Core.Access;
using Hub.Core.Contracts;
using Hub.Core.Events;
using Hub.Core.Ports;
using Hub.Licenses.V1;
using Hub.Server.Infrastructure.Postgres;
using Hub.Server.Infrastructure.Secrets;
using Npgsql;

namespace Hub.Server.Licenses;

/// <summary>
/// <see cref="ILicenseStore"/> in PostgreSQL: <c>licenses</c> (state) and <c>license_versions</c> (sealed content,
/// encrypted). Writes run on the <see cref="IWriteTransaction"/> they are given.
/// </summary>
public sealed class PostgresLicenseStore(NpgsqlDataSource dataSource, DataProtector protector, PostgresAccessLog accessLog) : ILicenseStore
{
    private const string VersionColumns = """
        l.license_id AS LicenseId, v.identifier AS Identifier, v.version AS Version, l.current_version AS CurrentVersion,
        l.status AS Status, l.status_reason AS StatusReason, l.holder_index AS HolderIndex,
        v.content_encrypted AS ContentEncrypted, v.content_hash AS ContentHash, v.seal AS Seal, v.seal_key_id AS SealKeyId
        """;

    private const string FromVersions = " FROM license_versions v JOIN licenses l ON l.license_id = v.license_id";

    private const string SelectVersion = "SELECT " + VersionColumns + FromVersions;

    private const string ByIdentifier = SelectVersion + " WHERE v.identifier = @identifier";

    private const string InsertVersionSql = """
        INSERT INTO license_versions (identifier, license_id, version, valid_from, valid_until, content_encrypted, content_hash,
                                      seal, seal_key_id, created_at, created_by)
        VALUES (@Identifier, @licenseId, @Version, @validFrom, @validUntil, @encrypted, @hash, @seal, @sealKeyId, @now, @createdBy);
        UPDATE licenses SET current_version = @Version WHERE license_id = @licenseId;
        """;

    public async Task InsertVersionAsync(
        IWriteTransaction transaction, Guid licenseId, SealedVersion version, Guid createdBy, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var content = version.Content;
        var tx = PostgresWriteTransaction.Of(transaction);
        await tx.Connection.ExecuteAsync(new CommandDefinition(
            InsertVersionSql,
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
            tx.Transaction,
            cancellationToken: cancellationToken));
    }

    public byte[] EncryptContent(SealedVersion version) =>
        protector.Encrypt(Encoding.UTF8.GetBytes(version.CanonicalJson), Aad(version.Content.Identifier));

    public async Task<StoredLicense?> FindAsync(string identifier, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<VersionRow>(new CommandDefinition(ByIdentifier, new { identifier }, cancellationToken: cancellationToken));
        return row is null ? null : ToStored(row);
    }

    public async Task<StoredLicense?> FindForUpdateAsync(IWriteTransaction transaction, string identifier, CancellationToken cancellationToken)
    {
        const string sql = ByIdentifier + " FOR UPDATE OF l";
        var tx = PostgresWriteTransaction.Of(transaction);
        var row = await tx.Connection.QuerySingleOrDefaultAsync<VersionRow>(new CommandDefinition(sql, new { identifier }, tx.Transaction, cancellationToken: cancellationToken));
        return row is null ? null : ToStored(row);
    }

    public async Task<StoredLicense> CurrentAsync(IWriteTransaction transaction, Guid licenseId, CancellationToken cancellationToken)
    {
        const string sql = SelectVersion + " WHERE l.license_id = @licenseId AND v.version = l.current_version";
        var tx = PostgresWriteTransaction.Of(transaction);
        var row = await tx.Connection.QuerySingleAsync<VersionRow>(new CommandDefinition(sql, new { licenseId }, tx.Transaction, cancellationToken: cancellationToken));
        return ToStored(row);
    }

    public async Task<(IReadOnlyList<StoredLicense> Licenses, string? NextCursor)> ListByHolderAsync(
        byte[] holderIndex, int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        var (afterTime, afterId) = TimeIdCursor.Parse(cursor);
        const string sql = "SELECT l.issued_at AS IssuedAt, " + VersionColumns + FromVersions + """
             WHERE l.holder_index = @holderIndex AND v.version = l.current_version
               AND (@afterTime::timestamptz IS NULL OR (l.issued_at, l.license_id) < (@afterTime, @afterId))
             ORDER BY l.issued_at DESC, l.license_id DESC
             LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<VersionRowWithIssued>(new CommandDefinition(
            sql,
            new { holderIndex, afterTime, afterId, limit = pageSize + 1 },
            cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(pageSize).ToList();
        var next = rows.Count > pageSize
            ? TimeIdCursor.Encode(new DateTimeOffset(DateTime.SpecifyKind(page[^1].IssuedAt, DateTimeKind.Utc)), page[^1].LicenseId)
            : null;
        return ([.. page.Select(ToStored)], next);
    }

    public async Task<IReadOnlyList<StoredLicense>> FindByHolderAsync(
        byte[] holderIndex, IReadOnlyCollection<string> typeCodes, int limit, CancellationToken cancellationToken)
    {
        const string sql = SelectVersion + """
             WHERE l.holder_index = @holderIndex AND l.type_code = ANY(@typeCodes) AND v.version = l.current_version
             ORDER BY l.issued_at DESC
             LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(
            sql, new { holderIndex, typeCodes = typeCodes.ToArray(), limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(ToStored)];
    }

    public async Task<LicenseState> ReadStateAsync(Guid licenseId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<(int CurrentVersion, string Status, string? StatusReason)>(new CommandDefinition(
            "SELECT current_version, status, status_reason FROM licenses WHERE license_id = @licenseId",
            new { licenseId },
            cancellationToken: cancellationToken));
        return new LicenseState(row.CurrentVersion, LicenseStatusRules.Parse(row.Status), row.StatusReason);
    }

    public async Task UpdateStatusAsync(
        IWriteTransaction transaction, Guid licenseId, LicenseStatus status, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tx = PostgresWriteTransaction.Of(transaction);
        await tx.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE licenses SET status = @status, status_reason = @reason, status_changed_at = @now WHERE license_id = @licenseId",
            new { status = LicenseStatusRules.Name(status), reason, now, licenseId },
            tx.Transaction,
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Reliance>> ReliancesAsync(IWriteTransaction transaction, StoredLicense license, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        // Through the holder's index (access_log_holder): verifications of any version that found it valid, and
        // 免证办 checks that waived a material accepting its type or found a license of its type satisfying.
        const string sql = """
            SELECT * FROM (
            SELECT DISTINCT ON (a.caller_id, COALESCE(a.case_number, ''), COALESCE(a.matter_code, ''))
                   a.caller_id AS CallerId, a.action AS Action, a.case_number AS CaseNumber, a.matter_code AS MatterCode, a.log_index AS LogIndex
            FROM access_log a
            WHERE a.holder_index = @holderIndex AND a.occurred_at >= @since
              AND ((a.action = ANY(@verifications) AND a.outcome = 'VALID'
                    AND a.object_id IN (SELECT identifier FROM license_versions WHERE license_id = @licenseId))
                OR (a.action = @checkMatter AND a.outcome LIKE 'WAIVED:%' AND a.outcome NOT LIKE 'WAIVED:0/%'
                    AND a.matter_code IN (SELECT m.matter_code FROM matters m, jsonb_array_elements(m.materials) material
                                          WHERE (material -> 'AcceptedTypeCodes') @> jsonb_build_array(@typeCode::text)))
                OR (a.action = @checkLicense AND a.object_id = @typeCode AND a.outcome = 'SATISFIED'))
            ORDER BY a.caller_id, COALESCE(a.case_number, ''), COALESCE(a.matter_code, ''), a.log_index DESC
            ) reliances
            ORDER BY LogIndex DESC
            LIMIT @limit
            """;
        var tx = PostgresWriteTransaction.Of(transaction);
        return [.. await tx.Connection.QueryAsync<Reliance>(new CommandDefinition(
            sql,
            new
            {
                holderIndex = license.HolderIndex,
                since,
                licenseId = license.LicenseId,
                typeCode = license.Content.TypeCode,
                verifications = new[] { AuditActions.VerificationVerifyLicense, AuditActions.VerificationVerifyPresentation },
                checkMatter = AuditActions.ExemptionCheckMatter,
                checkLicense = AuditActions.ExemptionCheckLicense,
                limit,
            },
            tx.Transaction,
            cancellationToken: cancellationToken))];
    }

    public Task<int> NoticeExpiriesAsync(
        DateOnly today, Func<StoredLicense, Task<(AccessRecord Entry, IReadOnlyList<ChangeEvent> Events)>> describe, CancellationToken cancellationToken) =>
        DateNotices.RunAsync(dataSource, accessLog, EventTypes.LicenseExpired, today, async (connection, transaction, from, until) =>
        {
            // Valid through valid_until: expired from the day after it, so those whose last day fell in [from, until).
            // FOR SHARE: a status change committing meanwhile is waited for, and a license it revoked is not "expired".
            const string sql = SelectVersion + """
                 WHERE v.version = l.current_version AND l.status = 'VALID' AND v.valid_until >= @from AND v.valid_until < @until
                 ORDER BY v.valid_until, l.license_id
                 FOR SHARE OF l
                """;
            var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(sql, new { from, until }, transaction, cancellationToken: cancellationToken));
            var notices = new List<(AccessRecord, IReadOnlyList<ChangeEvent>)>();
            foreach (var row in rows)
            {
                notices.Add(await describe(ToStored(row)));
            }

            return notices;
        }, cancellationToken);

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
