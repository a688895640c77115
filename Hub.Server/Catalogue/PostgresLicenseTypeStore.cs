using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Google.Protobuf;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Server.Catalogue;

/// <summary>License types in PostgreSQL. Registration is idempotent on the type code and commits with its audit entry.</summary>
public sealed class PostgresLicenseTypeStore(NpgsqlDataSource dataSource, PostgresAccessLog accessLog, TimeProvider time) : ILicenseTypeStore
{
    private readonly RegisteredOnceCache<LicenseTypeDefinition> _known = new();

    private const string SelectColumns = """
        SELECT type_code AS TypeCode, name AS Name, defining_org_code AS DefiningOrgCode, issuer_org_codes AS IssuerOrgCodes,
               holder_kind AS HolderKind, fields::text AS Fields, sharing_type AS SharingType, registered_at AS RegisteredAt,
               license_number_level AS LicenseNumberLevel, status_reason_level AS StatusReasonLevel
        FROM license_types
        """;

    /// <summary>Stores a normalized registration; returns the type and whether this call created it.</summary>
    public async Task<Outcome<(LicenseTypeDefinition Type, bool Created)>> RegisterAsync(
        RegisterLicenseTypeRequest normalized, Guid callerId, CancellationToken cancellationToken)
    {
        var contentHash = SHA256.HashData(normalized.ToByteArray());
        const string insert = """
            INSERT INTO license_types (type_code, name, defining_org_code, issuer_org_codes, holder_kind, fields, sharing_type,
                                       license_number_level, status_reason_level, content_hash, registered_at, registered_by)
            VALUES (@TypeCode, @Name, @DefiningOrgCode, @IssuerOrgCodes, @HolderKind, @Fields::jsonb, @SharingType,
                    @LicenseNumberLevel, @StatusReasonLevel, @contentHash, @now, @callerId)
            ON CONFLICT (type_code) DO NOTHING
            """;
        var created = await PostgresCodeRegistration.RegisterAsync(
            dataSource,
            accessLog,
            insert,
            "SELECT content_hash FROM license_types WHERE type_code = @TypeCode",
            new
            {
                normalized.TypeCode,
                normalized.Name,
                normalized.DefiningOrgCode,
                IssuerOrgCodes = normalized.IssuerOrgCodes.ToArray(),
                HolderKind = (short)normalized.HolderKind,
                Fields = FieldsJson.Write(normalized.Fields),
                SharingType = (short)normalized.SharingType,
                LicenseNumberLevel = (short)normalized.LicenseNumberLevel,
                StatusReasonLevel = (short)normalized.StatusReasonLevel,
                contentHash,
                now = time.GetUtcNow(),
                callerId,
            },
            contentHash,
            new AccessRecord { CallerId = callerId, Action = AuditActions.CatalogueRegisterLicenseType, ObjectType = AuditObjects.LicenseType, ObjectId = normalized.TypeCode, Outcome = AuditOutcomes.Ok },
            HubError.AlreadyExists(ReasonCodes.LicenseTypeExists, "this type_code is registered with different content; type codes are never reused."),
            cancellationToken);
        return created.Failed
            ? created.Error
            : ((await FindAsync(normalized.TypeCode, cancellationToken))!, created.Value);
    }

    /// <summary>A registered type; types never change once registered, so found ones are kept in memory.</summary>
    public Task<LicenseTypeDefinition?> FindAsync(string typeCode, CancellationToken cancellationToken) =>
        _known.GetAsync(typeCode, async (code, ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var row = await connection.QuerySingleOrDefaultAsync<TypeRow>(new CommandDefinition(
                SelectColumns + " WHERE type_code = @code", new { code }, cancellationToken: ct));
            return row?.ToDefinition();
        }, cancellationToken);

    /// <summary>Ordered by type code, keyset-paged; optionally only the types an organisation may issue.</summary>
    public async Task<(IReadOnlyList<LicenseTypeDefinition> Types, string? NextCursor)> ListAsync(
        PageRequest page, string? issuerOrgCode, CancellationToken cancellationToken)
    {
        const string sql = SelectColumns + """
             WHERE (@after::text IS NULL OR type_code > @after)
               AND (@issuer::text IS NULL OR issuer_org_codes @> ARRAY[@issuer]::text[])
             ORDER BY type_code
             LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<TypeRow>(new CommandDefinition(
            sql, new { after = page.Cursor, issuer = issuerOrgCode, limit = page.Size + 1 }, cancellationToken: cancellationToken))).ToList();
        var types = rows.Take(page.Size).Select(r => r.ToDefinition()).ToList();
        return (types, rows.Count > page.Size ? types[^1].TypeCode : null);
    }

    private sealed class TypeRow
    {
        public string TypeCode { get; init; } = string.Empty;

        public string Name { get; init; } = string.Empty;

        public string DefiningOrgCode { get; init; } = string.Empty;

        public string[] IssuerOrgCodes { get; init; } = [];

        public short HolderKind { get; init; }

        public string Fields { get; init; } = "[]";

        public short SharingType { get; init; }

        public DateTime RegisteredAt { get; init; }

        public short LicenseNumberLevel { get; init; }

        public short StatusReasonLevel { get; init; }

        public LicenseTypeDefinition ToDefinition() => new(
            TypeCode,
            Name,
            DefiningOrgCode,
            IssuerOrgCodes,
            (HolderKind)HolderKind,
            FieldsJson.Read(Fields),
            (SharingType)SharingType,
            new DateTimeOffset(DateTime.SpecifyKind(RegisteredAt, DateTimeKind.Utc)))
        {
            LicenseNumberLevel = (DataLevel)LicenseNumberLevel,
            StatusReasonLevel = (DataLevel)StatusReasonLevel,
        };
    }
}

/// <summary>Field specs as stored in jsonb: readable names, stable across proto renumbering.</summary>
internal static class FieldsJson
{
    public static string Write(IEnumerable<FieldSpec> fields) => JsonSerializer.Serialize(fields.Select(f => new StoredField(
        f.Name, f.Label, f.Kind.ToString(), f.Required, f.Level.ToString(), f.Mask.ToString())));

    public static IReadOnlyList<FieldSpec> Read(string json) => [.. JsonSerializer.Deserialize<StoredField[]>(json)!.Select(f => new FieldSpec
    {
        Name = f.Name,
        Label = f.Label,
        Kind = Enum.Parse<FieldKind>(f.Kind),
        Required = f.Required,
        Level = Enum.Parse<DataLevel>(f.Level),
        Mask = Enum.Parse<MaskRule>(f.Mask),
    })];

    private sealed record StoredField(string Name, string Label, string Kind, bool Required, string Level, string Mask);
}
