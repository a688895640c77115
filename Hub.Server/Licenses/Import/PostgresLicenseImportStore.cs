using Dapper;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Events;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;
using NpgsqlTypes;
using static Hub.Server.Licenses.Import.LicenseImporter;

namespace Hub.Server.Licenses.Import;

/// <summary>
/// <see cref="ILicenseImportStore"/> in PostgreSQL. A batch is one transaction: a binary COPY into a temporary staging
/// table, then one statement that inserts the licenses, their first versions and their queued audit entries.
/// </summary>
public sealed class PostgresLicenseImportStore(NpgsqlDataSource dataSource, PostgresAccessLog accessLog) : ILicenseImportStore
{
    private const string ExistingColumns = """
        SELECT l.type_code AS TypeCode, l.license_number AS LicenseNumber, l.import_hash AS ImportHash, v.identifier AS Identifier
        """;

    public async Task<IReadOnlyDictionary<(string TypeCode, string LicenseNumber), ExistingLicense>> FindAsync(
        string issuerOrgCode, IReadOnlyList<(string TypeCode, string LicenseNumber)> keys, CancellationToken cancellationToken)
    {
        const string sql = ExistingColumns + " " + """
            FROM licenses l JOIN unnest(@types, @numbers) AS k(type_code, license_number)
              ON l.type_code = k.type_code AND l.license_number = k.license_number
            JOIN license_versions v ON v.license_id = l.license_id AND v.version = l.current_version
            WHERE l.issuer_org_code = @org
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ExistingRow>(new CommandDefinition(
            sql,
            new { types = keys.Select(k => k.TypeCode).ToArray(), numbers = keys.Select(k => k.LicenseNumber).ToArray(), org = issuerOrgCode },
            cancellationToken: cancellationToken));
        return rows.ToDictionary(r => (r.TypeCode, r.LicenseNumber), r => new ExistingLicense(r.ImportHash, r.Identifier));
    }

    public async Task<ExistingLicense?> FindAsync(string issuerOrgCode, string typeCode, string licenseNumber, CancellationToken cancellationToken)
    {
        const string sql = ExistingColumns + " " + """
            FROM licenses l JOIN license_versions v ON v.license_id = l.license_id AND v.version = l.current_version
            WHERE l.issuer_org_code = @org AND l.type_code = @type AND l.license_number = @number
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ExistingRow>(new CommandDefinition(
            sql, new { org = issuerOrgCode, type = typeCode, number = licenseNumber }, cancellationToken: cancellationToken));
        return row is null ? null : new ExistingLicense(row.ImportHash, row.Identifier);
    }

    public async Task<(IReadOnlySet<Guid> Inserted, Task Sequenced)> WriteAsync(Caller caller, StagedRow[] rows, DateTimeOffset now, CancellationToken cancellationToken)
    {
        HashSet<Guid> inserted;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateStaging, transaction: transaction, cancellationToken: cancellationToken));
            var today = DateOnly.FromDateTime(now.ToOffset(Hub.Core.Time.ChinaCalendar.Offset).DateTime);
            await StageAsync(connection, rows, today, cancellationToken);
            inserted = (await connection.QueryAsync<Guid>(new CommandDefinition(
                    InsertFromStaging,
                    new { org = caller.OrgCode, now, today, caller = caller.Id, action = LicenseImporter.Action, objectType = AuditObjects.License, outcome = AuditOutcomes.Imported, eventType = EventTypes.LicenseImported },
                    transaction,
                    cancellationToken: cancellationToken)))
                .ToHashSet();
            await transaction.CommitAsync(cancellationToken);
        }

        return (inserted, accessLog.SequencedAsync());
    }

    private const string CreateStaging = """
        CREATE TEMP TABLE import_staging (
            license_id uuid, serial varchar(32), type_code varchar(21), license_number varchar(64), holder_index bytea,
            issued_on date, source_system varchar(64), import_hash bytea, identifier varchar(128), valid_from date,
            valid_until date, content_encrypted bytea, content_hash bytea, seal bytea, seal_key_id varchar(16), event_data jsonb
        ) ON COMMIT DROP
        """;

    // One statement: the licenses that are new (a concurrent import of the same number loses quietly here and is
    // counted after), their first versions, and one audit entry and license.imported event each, queued for sequencing;
    // and the obligations they fulfil (ObligationFulfilment).
    private static readonly string InsertFromStaging = """
        WITH inserted AS (
            INSERT INTO licenses (license_id, type_code, issuer_org_code, serial, license_number, holder_index, current_version,
                                  status, status_changed_at, issued_at, issued_by, issued_on, source_system, import_hash)
            SELECT license_id, type_code, @org, serial, license_number, holder_index, 1, 'VALID', @now, @now, @caller,
                   issued_on, source_system, import_hash
            FROM import_staging
            ON CONFLICT DO NOTHING
            RETURNING license_id
        ), versions AS (
            INSERT INTO license_versions (identifier, license_id, version, valid_from, valid_until, content_encrypted, content_hash,
                                          seal, seal_key_id, created_at, created_by)
            SELECT s.identifier, s.license_id, 1, s.valid_from, s.valid_until, s.content_encrypted, s.content_hash, s.seal,
                   s.seal_key_id, @now, @caller
            FROM import_staging s JOIN inserted USING (license_id)
        ), entries AS (
            INSERT INTO access_log_queue (occurred_at, caller_id, action, object_type, object_id, holder_index, purpose, outcome)
            SELECT @now, @caller, @action, @objectType, s.identifier, s.holder_index,
                   '归集:' || s.source_system, @outcome
            FROM import_staging s JOIN inserted USING (license_id)
            RETURNING queue_id, object_id
        ), events AS (
            INSERT INTO event_queue (audit_queue_id, seq, event_type, object_type, object_id, license_type, issuer_org, data)
            SELECT e.queue_id, 0, @eventType, @objectType, s.identifier, s.type_code, @org, s.event_data
            FROM entries e JOIN import_staging s ON s.identifier = e.object_id
        )
        """ + ObligationFulfilment.Ctes("SELECT s.identifier, s.holder_index, s.type_code FROM import_staging s JOIN inserted USING (license_id)") + """
        SELECT license_id FROM inserted
        """;

    private static async Task StageAsync(NpgsqlConnection connection, StagedRow[] rows, DateOnly today, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY import_staging (license_id, serial, type_code, license_number, holder_index, issued_on, source_system, import_hash, identifier, valid_from, valid_until, content_encrypted, content_hash, seal, seal_key_id, event_data) FROM STDIN (FORMAT BINARY)",
            cancellationToken);
        foreach (var row in rows)
        {
            var license = row.Candidate.License;
            await copy.StartRowAsync(cancellationToken);
            await copy.WriteAsync(row.LicenseId, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(row.Serial, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(license.Type.TypeCode, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(license.LicenseNumber, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.HolderIndex, NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(row.Candidate.IssuedOn, NpgsqlDbType.Date, cancellationToken);
            await copy.WriteAsync(row.Candidate.SourceSystem, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(row.Candidate.Hash, NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(row.Version!.Content.Identifier, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(license.ValidFrom, NpgsqlDbType.Date, cancellationToken);
            if (license.ValidUntil is { } until)
            {
                await copy.WriteAsync(until, NpgsqlDbType.Date, cancellationToken);
            }
            else
            {
                await copy.WriteNullAsync(cancellationToken);
            }

            await copy.WriteAsync(row.Encrypted, NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(row.Version.ContentHash, NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(row.Version.Seal, NpgsqlDbType.Bytea, cancellationToken);
            await copy.WriteAsync(row.Version.SealKeyId, NpgsqlDbType.Varchar, cancellationToken);
            await copy.WriteAsync(EventFacts.ToJson(LicenseEvents.Imported(row.Version.Content, license.Type, today).Facts), NpgsqlDbType.Jsonb, cancellationToken);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private sealed class ExistingRow
    {
        public string TypeCode { get; init; } = string.Empty;

        public string LicenseNumber { get; init; } = string.Empty;

        public byte[]? ImportHash { get; init; }

        public string Identifier { get; init; } = string.Empty;
    }
}
