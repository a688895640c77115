using System.Security.Cryptography;
using Dapper;
using Google.Protobuf;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Events;
using Hub.Core.Validation;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Server.Catalogue;

/// <summary>Shared data resources in PostgreSQL. Registration is idempotent on the resource code and commits with its audit entry.</summary>
public sealed class PostgresDataResourceStore(NpgsqlDataSource dataSource, PostgresAccessLog accessLog, TimeProvider time) : IDataResourceStore
{
    private readonly RegisteredOnceCache<DataResourceDefinition> _known = new();

    private const string SelectColumns = """
        SELECT resource_code AS ResourceCode, name AS Name, provider_org_code AS ProviderOrgCode, provider_endpoint AS ProviderEndpoint,
               key_kind AS KeyKind, fields::text AS Fields, sharing_type AS SharingType, sharing_condition AS SharingCondition,
               legal_basis AS LegalBasis, update_cycle AS UpdateCycle, registered_at AS RegisteredAt
        FROM data_resources
        """;

    public async Task<Outcome<(DataResourceDefinition Resource, bool Created)>> RegisterAsync(
        RegisterDataResourceRequest normalized, Guid callerId, CancellationToken cancellationToken)
    {
        var contentHash = SHA256.HashData(normalized.ToByteArray());
        var created = await PostgresCodeRegistration.RegisterAsync(
            dataSource,
            accessLog,
            """
            INSERT INTO data_resources (resource_code, name, provider_org_code, provider_endpoint, key_kind, fields, max_level,
                                        sharing_type, sharing_condition, legal_basis, update_cycle, content_hash, registered_at, registered_by)
            VALUES (@ResourceCode, @Name, @ProviderOrgCode, @ProviderEndpoint, @KeyKind, @Fields::jsonb, @MaxLevel,
                    @SharingType, @SharingCondition, @LegalBasis, @UpdateCycle, @contentHash, @now, @callerId)
            ON CONFLICT (resource_code) DO NOTHING
            """,
            "SELECT content_hash FROM data_resources WHERE resource_code = @ResourceCode",
            new
            {
                normalized.ResourceCode,
                normalized.Name,
                normalized.ProviderOrgCode,
                normalized.ProviderEndpoint,
                KeyKind = (short)normalized.KeyKind,
                Fields = FieldsJson.Write(normalized.Fields),
                MaxLevel = (short)normalized.Fields.Max(f => f.Level),
                SharingType = (short)normalized.SharingType,
                normalized.SharingCondition,
                normalized.LegalBasis,
                UpdateCycle = (short)normalized.UpdateCycle,
                contentHash,
                now = time.GetUtcNow(),
                callerId,
            },
            contentHash,
            new AccessRecord { CallerId = callerId, Action = AuditActions.CatalogueRegisterDataResource, ObjectType = AuditObjects.DataResource, ObjectId = normalized.ResourceCode, Outcome = AuditOutcomes.Ok },
            HubError.AlreadyExists(ReasonCodes.DataResourceExists, "this resource_code is registered with different content; resource codes are never reused."),
            cancellationToken,
            [
                new ChangeEvent
                {
                    Type = EventTypes.DataResourceRegistered,
                    ObjectType = AuditObjects.DataResource,
                    ObjectId = normalized.ResourceCode,
                    Facts =
                    [
                        new EventFact("provider_org", normalized.ProviderOrgCode),
                        new EventFact("sharing_type", normalized.SharingType.ToString()),
                        new EventFact("fields", string.Join(",", normalized.Fields.Select(f => f.Name))),
                    ],
                },
            ]);
        return created.Failed
            ? created.Error
            : ((await FindAsync(normalized.ResourceCode, cancellationToken))!, created.Value);
    }

    /// <summary>A registered resource; resources never change once registered, so found ones are kept in memory.</summary>
    public Task<DataResourceDefinition?> FindAsync(string resourceCode, CancellationToken cancellationToken) =>
        _known.GetAsync(resourceCode, async (code, ct) =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var row = await connection.QuerySingleOrDefaultAsync<ResourceRow>(new CommandDefinition(
                SelectColumns + " WHERE resource_code = @code", new { code }, cancellationToken: ct));
            return row?.ToDefinition();
        }, cancellationToken);

    /// <summary>Ordered by resource code, keyset-paged, filtered by any of: name contains, provider, most sensitive level, sharing type.</summary>
    public async Task<(IReadOnlyList<DataResourceDefinition> Resources, string? NextCursor)> ListAsync(
        PageRequest page, ResourceFilter filter, CancellationToken cancellationToken)
    {
        const string sql = SelectColumns + """
             WHERE (@after::text IS NULL OR resource_code > @after)
               AND (@name::text IS NULL OR strpos(name, @name) > 0)
               AND (@provider::text IS NULL OR provider_org_code = @provider)
               AND (@level::smallint IS NULL OR max_level = @level)
               AND (@sharing::smallint IS NULL OR sharing_type = @sharing)
             ORDER BY resource_code
             LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ResourceRow>(new CommandDefinition(
            sql,
            new
            {
                after = page.Cursor,
                name = filter.NameContains,
                provider = filter.ProviderOrgCode,
                level = filter.Level is { } l ? (short?)l : null,
                sharing = filter.Sharing is { } s ? (short?)s : null,
                limit = page.Size + 1,
            },
            cancellationToken: cancellationToken))).ToList();
        var resources = rows.Take(page.Size).Select(r => r.ToDefinition()).ToList();
        return (resources, rows.Count > page.Size ? resources[^1].ResourceCode : null);
    }

    private sealed class ResourceRow
    {
        public string ResourceCode { get; init; } = string.Empty;

        public string Name { get; init; } = string.Empty;

        public string ProviderOrgCode { get; init; } = string.Empty;

        public string ProviderEndpoint { get; init; } = string.Empty;

        public short KeyKind { get; init; }

        public string Fields { get; init; } = "[]";

        public short SharingType { get; init; }

        public string SharingCondition { get; init; } = string.Empty;

        public string LegalBasis { get; init; } = string.Empty;

        public short UpdateCycle { get; init; }

        public DateTime RegisteredAt { get; init; }

        public DataResourceDefinition ToDefinition() => new(
            ResourceCode,
            Name,
            ProviderOrgCode,
            ProviderEndpoint,
            (HolderIdType)KeyKind,
            FieldsJson.Read(Fields),
            (SharingType)SharingType,
            SharingCondition,
            LegalBasis,
            (UpdateCycle)UpdateCycle,
            new DateTimeOffset(DateTime.SpecifyKind(RegisteredAt, DateTimeKind.Utc)));
    }
}

/// <summary>What ListDataResources narrows by; null means no filter.</summary>
public sealed record ResourceFilter(string? NameContains, string? ProviderOrgCode, DataLevel? Level, SharingType? Sharing);
