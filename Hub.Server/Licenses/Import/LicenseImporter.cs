using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapper;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Licenses.V1;
using Hub.Server.Infrastructure.Postgres;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Keys;
using Hub.Signing.Identifiers;
using Hub.Signing.Json;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Server.Licenses.Import;

/// <summary>
/// 归集: imports one batch of licenses an existing system issued. Each record is validated exactly as IssueLicense
/// validates (<see cref="NewLicenseValidator"/>) and becomes a real license — GB/T 36904 identifier, SM2 seal,
/// encrypted content, blind index, audit entry — that keeps its <c>issued_on</c> and <c>source_system</c>. A bad
/// record is rejected alone, with its field and reason. Idempotent per record on (issuer org, type_code,
/// license_number): the record's SHA-256 is kept, so the same record again is "already present" and another one
/// under the same number a conflict; an import killed part-way and run again therefore leaves every row once.
/// <para>
/// The database work is set-based: sealing and encryption happen in memory on every core, then one transaction
/// COPYs the batch (binary) into a staging table and inserts licenses, versions and audit entries from it in one
/// statement; the entries are sequenced after the commit like any write's.
/// </para>
/// </summary>
public sealed partial class LicenseImporter(
    NpgsqlDataSource dataSource,
    NewLicenseValidator validator,
    LicenseSerials serials,
    PostgresLicenseStore store,
    SigningKeyRing keys,
    DataProtector protector,
    PostgresAccessLog accessLog,
    TimeProvider time)
{
    public const int MaxBatchRecords = 2000;
    public const int SourceSystemLength = 64;
    public const string Action = "licenses.ImportLicenses";

    private static readonly int SealingThreads = Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>
    /// The first stage of a batch, all but the transaction: every record validated, duplicates and records already
    /// imported counted, serials reserved, the new licenses sealed and encrypted (on every core). Nothing is written.
    /// </summary>
    internal async Task<Outcome<PreparedBatch>> PrepareAsync(Caller caller, ImportLicensesRequest request, CancellationToken cancellationToken)
    {
        var batchViolations = new Violations();
        batchViolations.Text("batch_id", request.BatchId, InputLimits.RequestIdLength, required: false);
        if (request.Records.Count > MaxBatchRecords)
        {
            batchViolations.Add("records", $"at most {MaxBatchRecords} records a batch (got {request.Records.Count})");
        }

        if (batchViolations.ToError() is { } invalid)
        {
            return invalid;
        }

        var today = ChinaCalendar.Today(time);
        var response = new ImportLicensesResponse { BatchId = request.BatchId };
        var candidates = new List<Candidate>(request.Records.Count);
        var seen = new Dictionary<(string Type, string Number), Candidate>();
        foreach (var record in request.Records)
        {
            var candidate = await ValidateAsync(caller, record, today, response, cancellationToken);
            if (candidate is null)
            {
                continue;
            }

            if (seen.TryGetValue((candidate.License.Type.TypeCode, candidate.License.LicenseNumber), out var first))
            {
                if (first.Hash.AsSpan().SequenceEqual(candidate.Hash))
                {
                    response.AlreadyPresent++;
                }
                else
                {
                    Reject(response, record.Sequence, "license_number", "DUPLICATE_IN_BATCH", $"record {first.Sequence} of this batch has this type_code and license_number with other content");
                }

                continue;
            }

            seen.Add((candidate.License.Type.TypeCode, candidate.License.LicenseNumber), candidate);
            candidates.Add(candidate);
        }

        var fresh = await SkipKnownAsync(caller, candidates, response, cancellationToken);
        return new PreparedBatch(caller, response, fresh.Count == 0 ? [] : await SealAsync(caller, fresh, today, cancellationToken));
    }

    /// <summary>
    /// The second stage: one transaction stages the sealed rows with a binary COPY and inserts licenses, versions and
    /// audit entries from them in one statement. Returns the batch's answer and a task that completes once its audit
    /// entries have their indices (the answer is sent only then).
    /// </summary>
    internal async Task<WrittenBatch> WriteAsync(PreparedBatch batch, CancellationToken cancellationToken)
    {
        var (caller, response, rows) = batch;
        if (rows.Length == 0)
        {
            return new WrittenBatch(response, Task.CompletedTask);
        }

        var now = time.GetUtcNow();
        HashSet<Guid> inserted;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateStaging, transaction: transaction, cancellationToken: cancellationToken));
            await StageAsync(connection, rows, cancellationToken);
            inserted = (await connection.QueryAsync<Guid>(new CommandDefinition(
                    InsertFromStaging,
                    new { org = caller.OrgCode, now, caller = caller.Id, action = Action },
                    transaction,
                    cancellationToken: cancellationToken)))
                .ToHashSet();
            await transaction.CommitAsync(cancellationToken);
        }

        var sequenced = accessLog.SequencedAsync();
        response.Imported += (uint)inserted.Count;
        foreach (var row in rows)
        {
            if (inserted.Contains(row.LicenseId))
            {
                response.Licenses.Add(new ImportedLicense { Sequence = row.Candidate.Sequence, Identifier = row.Version!.Content.Identifier });
                continue;
            }

            // Another import of the same number committed between the check and the insert.
            var known = await StoredAsync(caller, row.Candidate, cancellationToken);
            CountKnown(response, row.Candidate, known?.ImportHash, known?.Identifier ?? string.Empty);
        }

        return new WrittenBatch(response, sequenced);
    }

    private async Task<Candidate?> ValidateAsync(Caller caller, ImportRecord record, DateOnly today, ImportLicensesResponse response, CancellationToken cancellationToken)
    {
        var violations = new Violations();
        var issuedOn = ChinaCalendar.Parse(record.IssuedOn, "issued_on", violations, required: true);
        if (issuedOn > today)
        {
            violations.Add("issued_on", "must not be after today");
        }

        var source = violations.Text("source_system", record.SourceSystem, SourceSystemLength);
        if (source.Length is > 0 and <= SourceSystemLength && !SourceSystemPattern().IsMatch(source))
        {
            violations.Add("source_system", "may hold only letters, digits, '-', '_' and '.'");
        }

        var validated = await validator.ValidateAsync(
            caller.OrgCode,
            new NewLicenseFields(record.TypeCode, record.LicenseNumber, record.Holder, record.ValidFrom, record.ValidUntil, record.Face),
            violations,
            today,
            cancellationToken);
        if (validated.Failed)
        {
            var error = validated.Error;
            if (error.Violations.Count > 0)
            {
                foreach (var violation in error.Violations)
                {
                    response.Rejections.Add(new ImportRejection { Sequence = record.Sequence, Field = violation.Field, Reason = violation.Description, Code = "INVALID_FIELD" });
                }

                response.Rejected++;
            }
            else
            {
                Reject(response, record.Sequence, "type_code", error.Reason, error.Message);
            }

            return null;
        }

        var license = validated.Value;
        return new Candidate(record.Sequence, license, issuedOn!.Value, source, RecordHash(license, issuedOn.Value, source));
    }

    /// <summary>Drops records already imported (same content: already present; other content: a conflict).</summary>
    private async Task<List<Candidate>> SkipKnownAsync(Caller caller, List<Candidate> candidates, ImportLicensesResponse response, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
        {
            return candidates;
        }

        const string sql = """
            SELECT l.type_code AS TypeCode, l.license_number AS LicenseNumber, l.import_hash AS ImportHash, v.identifier AS Identifier
            FROM licenses l JOIN unnest(@types, @numbers) AS k(type_code, license_number)
              ON l.type_code = k.type_code AND l.license_number = k.license_number
            JOIN license_versions v ON v.license_id = l.license_id AND v.version = l.current_version
            WHERE l.issuer_org_code = @org
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var existing = (await connection.QueryAsync<ExistingRow>(new CommandDefinition(
                sql,
                new { types = candidates.Select(c => c.License.Type.TypeCode).ToArray(), numbers = candidates.Select(c => c.License.LicenseNumber).ToArray(), org = caller.OrgCode },
                cancellationToken: cancellationToken)))
            .ToDictionary(r => (r.TypeCode, r.LicenseNumber));
        var fresh = new List<Candidate>(candidates.Count);
        foreach (var candidate in candidates)
        {
            if (!existing.TryGetValue((candidate.License.Type.TypeCode, candidate.License.LicenseNumber), out var known))
            {
                fresh.Add(candidate);
            }
            else
            {
                CountKnown(response, candidate, known.ImportHash, known.Identifier);
            }
        }

        return fresh;
    }

    private static void CountKnown(ImportLicensesResponse response, Candidate candidate, byte[]? storedHash, string identifier)
    {
        if (storedHash is not null && storedHash.AsSpan().SequenceEqual(candidate.Hash))
        {
            response.AlreadyPresent++;
            response.Licenses.Add(new ImportedLicense { Sequence = candidate.Sequence, Identifier = identifier });
        }
        else
        {
            Reject(response, candidate.Sequence, "license_number", "LICENSE_NUMBER_CONFLICT", "this issuer already holds a license of this type with this license_number and other content");
        }
    }

    private async Task<StagedRow[]> SealAsync(Caller caller, List<Candidate> fresh, DateOnly today, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var sealedAt = LicenseIssuer.SealTime(now);
        var key = await keys.ActiveKeyAsync(cancellationToken);
        var counters = new Dictionary<string, long>();
        foreach (var group in fresh.GroupBy(c => c.License.Type.TypeCode))
        {
            counters[group.Key] = await serials.ReserveRangeAsync(group.Key, caller.OrgCode, group.Count(), cancellationToken);
        }

        var rows = new StagedRow[fresh.Count];
        for (var i = 0; i < fresh.Count; i++)
        {
            var typeCode = fresh[i].License.Type.TypeCode;
            rows[i] = new StagedRow(fresh[i], LicenseSerials.Format(today.Year, counters[typeCode]++), Guid.CreateVersion7(now));
        }

        // Sealing (SM2), encryption and the blind index are the CPU-heavy part: spread over every core but one, which
        // stays free for the requests an import must not slow down (and for PostgreSQL).
        Parallel.For(0, rows.Length, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = SealingThreads }, i =>
        {
            var row = rows[i];
            var license = row.Candidate.License;
            var identifier = new LicenseIdentifier(license.Type.TypeCode, caller.OrgCode, row.Serial, 1).ToString();
            var content = new SealedContent(
                identifier, license.Type.TypeCode, license.Type.Name, license.LicenseNumber, 1, license.Holder, caller.OrgCode, caller.OrgName,
                sealedAt, license.ValidFrom, license.ValidUntil, license.Face)
            {
                IssuedOn = row.Candidate.IssuedOn,
                SourceSystem = row.Candidate.SourceSystem,
            };
            row.Version = LicenseIssuer.Seal(content, key);
            row.Encrypted = store.EncryptContent(row.Version);
            row.HolderIndex = protector.BlindIndex(license.Holder.IdType, license.Holder.IdNumber);
        });
        return rows;
    }

    private async Task<ExistingRow?> StoredAsync(Caller caller, Candidate candidate, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ExistingRow>(new CommandDefinition(
            """
            SELECT l.type_code AS TypeCode, l.license_number AS LicenseNumber, l.import_hash AS ImportHash, v.identifier AS Identifier
            FROM licenses l JOIN license_versions v ON v.license_id = l.license_id AND v.version = l.current_version
            WHERE l.issuer_org_code = @org AND l.type_code = @type AND l.license_number = @number
            """,
            new { org = caller.OrgCode, type = candidate.License.Type.TypeCode, number = candidate.License.LicenseNumber },
            cancellationToken: cancellationToken));
    }

    private const string CreateStaging = """
        CREATE TEMP TABLE import_staging (
            license_id uuid, serial varchar(32), type_code varchar(21), license_number varchar(64), holder_index bytea,
            issued_on date, source_system varchar(64), import_hash bytea, identifier varchar(128), valid_from date,
            valid_until date, content_encrypted bytea, content_hash bytea, seal bytea, seal_key_id varchar(16)
        ) ON COMMIT DROP
        """;

    // One statement: the licenses that are new (a concurrent import of the same number loses quietly here and is
    // counted after), their first versions, and one audit entry each, queued for sequencing.
    private const string InsertFromStaging = """
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
            SELECT @now, @caller, @action, 'license', s.identifier, s.holder_index,
                   '归集:' || s.source_system, 'IMPORTED'
            FROM import_staging s JOIN inserted USING (license_id)
        )
        SELECT license_id FROM inserted
        """;

    private static async Task StageAsync(NpgsqlConnection connection, StagedRow[] rows, CancellationToken cancellationToken)
    {
        await using var copy = await connection.BeginBinaryImportAsync(
            "COPY import_staging (license_id, serial, type_code, license_number, holder_index, issued_on, source_system, import_hash, identifier, valid_from, valid_until, content_encrypted, content_hash, seal, seal_key_id) FROM STDIN (FORMAT BINARY)",
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
        }

        await copy.CompleteAsync(cancellationToken);
    }

    private static void Reject(ImportLicensesResponse response, ulong sequence, string field, string code, string reason)
    {
        response.Rejections.Add(new ImportRejection { Sequence = sequence, Field = field, Reason = reason, Code = code });
        response.Rejected++;
    }

    /// <summary>SHA-256 of the record's validated content (canonical JSON), what "the same record again" means.</summary>
    private static byte[] RecordHash(NewLicense license, DateOnly issuedOn, string sourceSystem)
    {
        var face = new JsonObject();
        foreach (var (name, value) in license.Face)
        {
            face[name] = value;
        }

        var json = new JsonObject
        {
            ["type_code"] = license.Type.TypeCode,
            ["license_number"] = license.LicenseNumber,
            ["holder"] = new JsonObject { ["name"] = license.Holder.Name, ["id_type"] = license.Holder.IdType.ToString(), ["id_number"] = license.Holder.IdNumber },
            ["valid_from"] = license.ValidFrom.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["valid_until"] = license.ValidUntil?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["issued_on"] = issuedOn.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["source_system"] = sourceSystem,
            ["face"] = face,
        };
        return SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(json)));
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex SourceSystemPattern();

    /// <summary>A batch ready to be written: its answer so far and the sealed rows of the new licenses.</summary>
    internal sealed record PreparedBatch(Caller Caller, ImportLicensesResponse Response, StagedRow[] Rows);

    /// <summary>A committed batch: its answer, and a task that completes once its audit entries have their indices.</summary>
    internal sealed record WrittenBatch(ImportLicensesResponse Response, Task Sequenced);

    internal sealed record Candidate(ulong Sequence, NewLicense License, DateOnly IssuedOn, string SourceSystem, byte[] Hash);

    internal sealed class StagedRow(Candidate candidate, string serial, Guid licenseId)
    {
        internal Candidate Candidate { get; } = candidate;

        public string Serial { get; } = serial;

        public Guid LicenseId { get; } = licenseId;

        public SealedVersion? Version { get; set; }

        public byte[] Encrypted { get; set; } = [];

        public byte[] HolderIndex { get; set; } = [];
    }

    private sealed class ExistingRow
    {
        public string TypeCode { get; init; } = string.Empty;

        public string LicenseNumber { get; init; } = string.Empty;

        public byte[]? ImportHash { get; init; }

        public string Identifier { get; init; } = string.Empty;
    }
}
