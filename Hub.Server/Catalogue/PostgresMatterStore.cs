using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Hub.Adapters.Exemption;
using Hub.Catalogue.V1;
using Hub.Core.Access;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Server.Catalogue;

/// <summary>Matters in PostgreSQL; registration is idempotent on the matter code and commits with its audit entry.</summary>
public sealed class PostgresMatterStore(NpgsqlDataSource dataSource, PostgresAccessLog accessLog, TimeProvider time) : IMatterStore
{
    private readonly RegisteredOnceCache<Matter> _known = new();

    private const string SelectColumns = """
        SELECT matter_code AS MatterCode, name AS Name, department_code AS DepartmentCode, materials::text AS Materials,
               registered_at AS RegisteredAt
        FROM matters
        """;

    public async Task<Outcome<(Matter Matter, bool Created)>> RegisterAsync(RegisterMatterRequest normalized, Guid callerId, CancellationToken cancellationToken)
    {
        var contentHash = SHA256.HashData(normalized.ToByteArray());
        var created = await PostgresCodeRegistration.RegisterAsync(
            dataSource,
            accessLog,
            """
            INSERT INTO matters (matter_code, name, department_code, materials, content_hash, registered_at, registered_by)
            VALUES (@MatterCode, @Name, @DepartmentCode, @materials::jsonb, @contentHash, @now, @callerId)
            ON CONFLICT (matter_code) DO NOTHING
            """,
            "SELECT content_hash FROM matters WHERE matter_code = @MatterCode",
            new
            {
                normalized.MatterCode,
                normalized.Name,
                normalized.DepartmentCode,
                materials = JsonSerializer.Serialize(normalized.Materials.Select(m => new StoredMaterial(
                    m.MaterialCode, m.Name, [.. m.AcceptedTypeCodes], [.. m.NeededFields], StoredTerms.Of(m.Commitment), StoredTerms.Of(m.Deficiency), m.ExcludeBreachedApplicants))),
                contentHash,
                now = time.GetUtcNow(),
                callerId,
            },
            contentHash,
            new AccessRecord { CallerId = callerId, Action = AuditActions.CatalogueRegisterMatter, ObjectType = AuditObjects.Matter, ObjectId = normalized.MatterCode, Outcome = AuditOutcomes.Ok },
            HubError.AlreadyExists(ReasonCodes.MatterExists, "this matter_code is registered with different content."),
            cancellationToken);
        return created.Failed
            ? created.Error
            : ((await GetAsync(normalized.MatterCode, cancellationToken))!, created.Value);
    }

    /// <summary>A registered matter; matters never change once registered, so found ones are kept in memory (do not modify it).</summary>
    public Task<Matter?> GetAsync(string matterCode, CancellationToken cancellationToken) =>
        _known.GetAsync(matterCode, async (code, ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var row = await connection.QuerySingleOrDefaultAsync<MatterRow>(new CommandDefinition(
                SelectColumns + " WHERE matter_code = @code", new { code }, cancellationToken: ct));
            return row?.ToMessage();
        }, cancellationToken);

    public async Task<MatterDefinition?> FindAsync(string matterCode, CancellationToken cancellationToken)
    {
        var matter = await GetAsync(matterCode, cancellationToken);
        return matter is null
            ? null
            : new MatterDefinition(matter.MatterCode, matter.Name, matter.DepartmentCode, [.. matter.Materials.Select(m =>
                new MaterialDefinition(m.MaterialCode, m.Name, [.. m.AcceptedTypeCodes], [.. m.NeededFields])
                {
                    Commitment = Terms(m.Commitment),
                    Deficiency = Terms(m.Deficiency),
                    ExcludeBreachedApplicants = m.ExcludeBreachedApplicants,
                })]);
    }

    public async Task<(IReadOnlyList<Matter> Matters, string? NextCursor)> ListAsync(PageRequest page, string? departmentCode, CancellationToken cancellationToken)
    {
        const string sql = SelectColumns + """
             WHERE (@after::text IS NULL OR matter_code > @after) AND (@department::text IS NULL OR department_code = @department)
             ORDER BY matter_code
             LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<MatterRow>(new CommandDefinition(
            sql, new { after = page.Cursor, department = departmentCode, limit = page.Size + 1 }, cancellationToken: cancellationToken))).ToList();
        var matters = rows.Take(page.Size).Select(r => r.ToMessage()).ToList();
        return (matters, rows.Count > page.Size ? matters[^1].MatterCode : null);
    }

    private static MaterialTerms? Terms(AcceptanceTerms? terms) =>
        terms is null ? null : new MaterialTerms(terms.DeadlineWorkingDays, terms.CommitmentText, terms.OnBreach);

    // Commitment, Deficiency and ExcludeBreachedApplicants are absent from matters registered before 承诺办 existed.
    private sealed record StoredMaterial(
        string MaterialCode, string Name, string[] AcceptedTypeCodes, string[] NeededFields,
        StoredTerms? Commitment = null, StoredTerms? Deficiency = null, bool ExcludeBreachedApplicants = false);

    private sealed record StoredTerms(int DeadlineWorkingDays, string CommitmentText, string OnBreach)
    {
        public static StoredTerms? Of(AcceptanceTerms? terms) =>
            terms is null ? null : new StoredTerms(terms.DeadlineWorkingDays, terms.CommitmentText, terms.OnBreach);

        public AcceptanceTerms ToMessage() => new() { DeadlineWorkingDays = DeadlineWorkingDays, CommitmentText = CommitmentText, OnBreach = OnBreach };
    }

    private sealed class MatterRow
    {
        public string MatterCode { get; init; } = string.Empty;

        public string Name { get; init; } = string.Empty;

        public string DepartmentCode { get; init; } = string.Empty;

        public string Materials { get; init; } = "[]";

        public DateTime RegisteredAt { get; init; }

        public Matter ToMessage() => new()
        {
            MatterCode = MatterCode,
            Name = Name,
            DepartmentCode = DepartmentCode,
            RegisteredAt = Timestamp.FromDateTime(DateTime.SpecifyKind(RegisteredAt, DateTimeKind.Utc)),
            Materials =
            {
                JsonSerializer.Deserialize<StoredMaterial[]>(Materials)!.Select(m => new Material
                {
                    MaterialCode = m.MaterialCode,
                    Name = m.Name,
                    AcceptedTypeCodes = { m.AcceptedTypeCodes },
                    NeededFields = { m.NeededFields },
                    Commitment = m.Commitment?.ToMessage(),
                    Deficiency = m.Deficiency?.ToMessage(),
                    ExcludeBreachedApplicants = m.ExcludeBreachedApplicants,
                }),
            },
        };
    }
}
