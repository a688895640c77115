using Dapper;
using Hub.Adapters.Ports;
using Hub.Core.Access;
using Hub.Core.Events;
using Hub.Core.Ports;
using Hub.Core.Validation;
using Hub.Exemption.V1;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Server.Obligations;

/// <summary>
/// <see cref="IObligationStore"/> and <see cref="IApplicantStanding"/> in PostgreSQL (table <c>obligations</c>). Stored
/// status 1 open, 2 fulfilled, 3 breached; fulfilment is written by the license writers themselves
/// (<see cref="Infrastructure.Postgres.ObligationFulfilment"/>).
/// </summary>
public sealed class PostgresObligationStore(NpgsqlDataSource dataSource, PostgresAccessLog accessLog) : IObligationStore, IApplicantStanding
{
    private const string SelectColumns = """
        SELECT obligation_id AS ObligationId, matter_code AS MatterCode, material_code AS MaterialCode, case_number AS CaseNumber,
               department_org AS DepartmentOrg, holder_index AS HolderIndex, mode AS Mode, status AS Status,
               accepted_type_codes AS AcceptedTypeCodes, accepted_on AS AcceptedOn, deadline AS Deadline,
               commitment_text AS CommitmentText, on_breach AS OnBreach, accepted_at AS AcceptedAt,
               fulfilled_by_license AS FulfilledByLicense, fulfilled_at AS FulfilledAt, breached_at AS BreachedAt, breach_note AS BreachNote
        FROM obligations
        """;

    public async Task<StoredObligation?> InsertOrFindAsync(IWriteTransaction transaction, StoredObligation obligation, Guid acceptedBy, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        const string insert = """
            INSERT INTO obligations (obligation_id, matter_code, material_code, case_number, department_org, holder_index, mode, status,
                                     accepted_type_codes, accepted_on, deadline, commitment_text, on_breach, accepted_at, accepted_by)
            VALUES (@ObligationId, @MatterCode, @MaterialCode, @CaseNumber, @DepartmentOrg, @HolderIndex, @mode, 1,
                    @types, @AcceptedOn, @Deadline, @CommitmentText, @OnBreach, @AcceptedAt, @acceptedBy)
            ON CONFLICT (department_org, case_number, matter_code, material_code, holder_index) DO NOTHING
            """;
        var inserted = await connection.ExecuteAsync(new CommandDefinition(insert, new
        {
            obligation.ObligationId,
            obligation.MatterCode,
            obligation.MaterialCode,
            obligation.CaseNumber,
            obligation.DepartmentOrg,
            obligation.HolderIndex,
            mode = (short)obligation.Mode,
            types = obligation.AcceptedTypeCodes.ToArray(),
            obligation.AcceptedOn,
            obligation.Deadline,
            obligation.CommitmentText,
            obligation.OnBreach,
            obligation.AcceptedAt,
            acceptedBy,
        }, tx, cancellationToken: cancellationToken));
        if (inserted == 1)
        {
            return null;
        }

        var row = await connection.QuerySingleAsync<ObligationRow>(new CommandDefinition(
            SelectColumns + """
             WHERE department_org = @DepartmentOrg AND case_number = @CaseNumber AND matter_code = @MatterCode
               AND material_code = @MaterialCode AND holder_index = @HolderIndex
            """,
            new { obligation.DepartmentOrg, obligation.CaseNumber, obligation.MatterCode, obligation.MaterialCode, obligation.HolderIndex },
            tx,
            cancellationToken: cancellationToken));
        return row.ToObligation();
    }

    public async Task<bool> HasBreachAsync(IWriteTransaction transaction, byte[] holderIndex, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM obligations WHERE holder_index = @holderIndex AND status = 3)", new { holderIndex }, tx, cancellationToken: cancellationToken));
    }

    public async Task<StoredObligation?> LockAsync(IWriteTransaction transaction, Guid obligationId, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        var row = await connection.QuerySingleOrDefaultAsync<ObligationRow>(new CommandDefinition(
            SelectColumns + " WHERE obligation_id = @obligationId FOR UPDATE", new { obligationId }, tx, cancellationToken: cancellationToken));
        return row?.ToObligation();
    }

    public async Task BreachAsync(IWriteTransaction transaction, Guid obligationId, DateTimeOffset at, Guid by, string note, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE obligations SET status = 3, breached_at = @at, breached_by = @by, breach_note = @note WHERE obligation_id = @obligationId",
            new { obligationId, at, by, note }, tx, cancellationToken: cancellationToken));
    }

    public async Task<StoredObligation?> GetAsync(Guid obligationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ObligationRow>(new CommandDefinition(
            SelectColumns + " WHERE obligation_id = @obligationId", new { obligationId }, cancellationToken: cancellationToken));
        return row?.ToObligation();
    }

    public async Task<(IReadOnlyList<StoredObligation> Obligations, string? NextCursor)> ListAsync(
        ObligationFilter filter, PageRequest page, DateOnly today, CancellationToken cancellationToken)
    {
        // Newest first: ids are version-7 UUIDs, ordered by acceptance time.
        const string sql = SelectColumns + """
             WHERE (@after::uuid IS NULL OR obligation_id < @after)
               AND (@department::text IS NULL OR department_org = @department)
               AND (@matter::text IS NULL OR matter_code = @matter)
               AND (@holder::bytea IS NULL OR holder_index = @holder)
               AND (@status::int IS NULL
                    OR (@status = 1 AND status = 1 AND deadline >= @today)
                    OR (@status = 3 AND status = 1 AND deadline < @today)
                    OR (@status = 2 AND status = 2)
                    OR (@status = 4 AND status = 3))
             ORDER BY obligation_id DESC
             LIMIT @limit
            """;
        Guid? after = Guid.TryParse(page.Cursor, out var cursor) ? cursor : null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ObligationRow>(new CommandDefinition(sql, new
        {
            after,
            department = filter.DepartmentOrg,
            matter = filter.MatterCode,
            holder = filter.HolderIndex,
            status = filter.Status is { } status ? (int?)status : null,
            today,
            limit = page.Size + 1,
        }, cancellationToken: cancellationToken))).ToList();
        var obligations = rows.Take(page.Size).Select(r => r.ToObligation()).ToList();
        return (obligations, rows.Count > page.Size ? obligations[^1].ObligationId.ToString() : null);
    }

    public Task<int> NoticeOverdueAsync(DateOnly today, Func<StoredObligation, (AccessRecord Entry, IReadOnlyList<ChangeEvent> Events)> describe, CancellationToken cancellationToken) =>
        DateNotices.RunAsync(dataSource, accessLog, EventTypes.ObligationOverdue, today, async (connection, transaction, from, until) =>
        {
            // Overdue the day after its deadline while still open.
            var rows = await connection.QueryAsync<ObligationRow>(new CommandDefinition(
                SelectColumns + " WHERE status = 1 AND deadline >= @from AND deadline < @until ORDER BY deadline, obligation_id FOR SHARE",
                new { from, until },
                transaction,
                cancellationToken: cancellationToken));
            return [.. rows.Select(r => describe(r.ToObligation()))];
        }, cancellationToken);

    public async Task<ApplicantStanding> FindAsync(byte[] holderIndex, string departmentOrg, string caseNumber, string matterCode, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT EXISTS (SELECT 1 FROM obligations WHERE holder_index = @holderIndex AND status = 3);
            SELECT obligation_id AS ObligationId, material_code AS MaterialCode, mode AS Mode, deadline AS Deadline, status AS Status
            FROM obligations
            WHERE department_org = @departmentOrg AND case_number = @caseNumber AND matter_code = @matterCode AND holder_index = @holderIndex
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            sql, new { holderIndex, departmentOrg, caseNumber, matterCode }, cancellationToken: cancellationToken));
        var breached = await results.ReadSingleAsync<bool>();
        var inCase = (await results.ReadAsync<CaseRow>())
            .Select(r => new CaseObligation(r.ObligationId, r.MaterialCode, (AcceptanceMode)r.Mode, DateOnly.FromDateTime(r.Deadline), r.Status == 1))
            .ToList();
        return new ApplicantStanding(breached, inCase);
    }

    private sealed class CaseRow
    {
        public Guid ObligationId { get; init; }

        public string MaterialCode { get; init; } = string.Empty;

        public short Mode { get; init; }

        public DateTime Deadline { get; init; }

        public short Status { get; init; }
    }

    private sealed class ObligationRow
    {
        public Guid ObligationId { get; init; }

        public string MatterCode { get; init; } = string.Empty;

        public string MaterialCode { get; init; } = string.Empty;

        public string CaseNumber { get; init; } = string.Empty;

        public string DepartmentOrg { get; init; } = string.Empty;

        public byte[] HolderIndex { get; init; } = [];

        public short Mode { get; init; }

        public short Status { get; init; }

        public string[] AcceptedTypeCodes { get; init; } = [];

        public DateTime AcceptedOn { get; init; }

        public DateTime Deadline { get; init; }

        public string CommitmentText { get; init; } = string.Empty;

        public string OnBreach { get; init; } = string.Empty;

        public DateTime AcceptedAt { get; init; }

        public string? FulfilledByLicense { get; init; }

        public DateTime? FulfilledAt { get; init; }

        public DateTime? BreachedAt { get; init; }

        public string? BreachNote { get; init; }

        public StoredObligation ToObligation() => new(
            ObligationId, MatterCode, MaterialCode, CaseNumber, DepartmentOrg, HolderIndex, (AcceptanceMode)Mode,
            Status switch { 1 => ObligationStatus.Open, 2 => ObligationStatus.Fulfilled, _ => ObligationStatus.Breached },
            AcceptedTypeCodes, DateOnly.FromDateTime(AcceptedOn), DateOnly.FromDateTime(Deadline), CommitmentText, OnBreach, Utc(AcceptedAt),
            FulfilledByLicense, FulfilledAt is { } f ? Utc(f) : null, BreachedAt is { } b ? Utc(b) : null, BreachNote);

        private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
    }
}
