using Hub.Server.Infrastructure.Telemetry;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Licenses.V1;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Keys;
using Hub.Signing.Identifiers;
using Hub.Signing.Json;

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
    NewLicenseValidator validator,
    LicenseSerials serials,
    ILicenseStore store,
    ILicenseImportStore importStore,
    ISigningKeyRing keys,
    DataProtector protector,
    TimeProvider time,
    HubMetrics? metrics = null)
{
    public const int MaxBatchRecords = 2000;
    public const int SourceSystemLength = 64;
    public const string Action = AuditActions.LicensesImportLicenses;

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
                    Reject(response, record.Sequence, "license_number", ImportRejectionCodes.DuplicateInBatch, $"record {first.Sequence} of this batch has this type_code and license_number with other content");
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
            metrics?.ImportRows(response.Imported, response.AlreadyPresent, response.Rejected);
            return new WrittenBatch(response, Task.CompletedTask);
        }

        var (inserted, sequenced) = await importStore.WriteAsync(caller, rows, time.GetUtcNow(), cancellationToken);
        response.Imported += (uint)inserted.Count;
        foreach (var row in rows)
        {
            if (inserted.Contains(row.LicenseId))
            {
                response.Licenses.Add(new ImportedLicense { Sequence = row.Candidate.Sequence, Identifier = row.Version!.Content.Identifier });
                continue;
            }

            // Another import of the same number committed between the check and the insert.
            var known = await importStore.FindAsync(caller.OrgCode, row.Candidate.License.Type.TypeCode, row.Candidate.License.LicenseNumber, cancellationToken);
            CountKnown(response, row.Candidate, known?.ImportHash, known?.Identifier ?? string.Empty);
        }

        metrics?.ImportRows(response.Imported, response.AlreadyPresent, response.Rejected);
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
                    response.Rejections.Add(new ImportRejection { Sequence = record.Sequence, Field = violation.Field, Reason = violation.Description, Code = ImportRejectionCodes.InvalidField });
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

        var existing = await importStore.FindAsync(
            caller.OrgCode, [.. candidates.Select(c => (c.License.Type.TypeCode, c.License.LicenseNumber))], cancellationToken);
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
            Reject(response, candidate.Sequence, "license_number", ImportRejectionCodes.LicenseNumberConflict, "this issuer already holds a license of this type with this license_number and other content");
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

    public sealed record Candidate(ulong Sequence, NewLicense License, DateOnly IssuedOn, string SourceSystem, byte[] Hash);

    public sealed class StagedRow(Candidate candidate, string serial, Guid licenseId)
    {
        public Candidate Candidate { get; } = candidate;

        public string Serial { get; } = serial;

        public Guid LicenseId { get; } = licenseId;

        public SealedVersion? Version { get; set; }

        public byte[] Encrypted { get; set; } = [];

        public byte[] HolderIndex { get; set; } = [];
    }
}
