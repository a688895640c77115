using Dapper;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Server.Callers;

/// <summary>Registered callers and their credentials in PostgreSQL; every change commits with its access-log entry.</summary>
public sealed class PostgresCallerStore(NpgsqlDataSource dataSource, PostgresAccessLog accessLog, TimeProvider time) : ICallerStore
{
    private const string SelectColumns = """
        SELECT c.caller_id AS CallerId, c.org_code AS OrgCode, c.org_name AS OrgName, c.system_name AS SystemName,
               c.roles AS Roles, c.clearance AS Clearance, c.created_at AS CreatedAt, c.disabled_at AS DisabledAt,
               c.disabled_reason AS DisabledReason, c.assertion_key AS AssertionKey,
               ARRAY(SELECT t.thumbprint FROM caller_certificates t WHERE t.caller_id = c.caller_id ORDER BY t.thumbprint) AS Thumbprints
        FROM callers c
        """;

    public async Task<CallerRecord?> FindByApiKeyHashAsync(byte[] apiKeyHash, CancellationToken cancellationToken)
    {
        const string sql = SelectColumns + " WHERE c.api_key_hash = @apiKeyHash";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CallerRow>(new CommandDefinition(sql, new { apiKeyHash }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<CallerRecord?> FindByIdAsync(Guid callerId, CancellationToken cancellationToken)
    {
        const string sql = SelectColumns + " WHERE c.caller_id = @callerId";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CallerRow>(new CommandDefinition(sql, new { callerId }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<CallerRecord?> FindByCertificateAsync(string thumbprint, CancellationToken cancellationToken)
    {
        const string sql = SelectColumns + " JOIN caller_certificates k ON k.caller_id = c.caller_id WHERE k.thumbprint = @thumbprint";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CallerRow>(new CommandDefinition(sql, new { thumbprint }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<bool> AnyActiveAdminAsync(CancellationToken cancellationToken)
    {
        const string sql = "SELECT EXISTS (SELECT 1 FROM callers WHERE 'ADMIN' = ANY (roles) AND disabled_at IS NULL)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, cancellationToken: cancellationToken));
    }

    public async Task<(IReadOnlyList<string> ApiKeyHashes, IReadOnlyList<string> Thumbprints)> CredentialsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var keys = await connection.QueryAsync<string>(new CommandDefinition("SELECT encode(api_key_hash, 'hex') FROM callers", cancellationToken: cancellationToken));
        var thumbprints = await connection.QueryAsync<string>(new CommandDefinition("SELECT thumbprint FROM caller_certificates", cancellationToken: cancellationToken));
        return ([.. keys], [.. thumbprints]);
    }

    /// <summary>Stores a new caller with its key hash; <c>AlreadyExists</c> when the system or a certificate is taken.</summary>
    public async Task<Outcome<CallerRecord>> RegisterAsync(NewCaller caller, byte[] apiKeyHash, Guid? registeredBy, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7(time.GetUtcNow());
        var now = time.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        const string insert = """
            INSERT INTO callers (caller_id, org_code, org_name, system_name, roles, clearance, api_key_hash, assertion_key, created_at, created_by)
            VALUES (@id, @OrgCode, @OrgName, @SystemName, @roles, @clearance, @apiKeyHash, @AssertionKey, @now, @registeredBy)
            ON CONFLICT (org_code, system_name) WHERE disabled_at IS NULL DO NOTHING
            """;
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            insert,
            new
            {
                id,
                caller.OrgCode,
                caller.OrgName,
                caller.SystemName,
                roles = caller.Roles.Select(RoleNames.Name).Order(StringComparer.Ordinal).ToArray(),
                clearance = (short)caller.Clearance,
                apiKeyHash,
                caller.AssertionKey,
                now,
                registeredBy,
            },
            transaction,
            cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            return HubError.AlreadyExists(ReasonCodes.CallerExists, "an active caller is already registered for this org_code and system_name; disable it first or choose another system_name.");
        }

        if (caller.CertificateThumbprints.Count > 0)
        {
            const string certificates = """
                INSERT INTO caller_certificates (thumbprint, caller_id) SELECT unnest(@thumbprints), @id
                ON CONFLICT (thumbprint) DO NOTHING
                """;
            var added = await connection.ExecuteAsync(new CommandDefinition(
                certificates, new { thumbprints = caller.CertificateThumbprints.ToArray(), id }, transaction, cancellationToken: cancellationToken));
            if (added != caller.CertificateThumbprints.Count)
            {
                return HubError.AlreadyExists(ReasonCodes.CertificateInUse, "a client certificate thumbprint is already registered to another caller.");
            }
        }

        await accessLog.AppendAsync(connection, transaction, new AccessRecord
        {
            CallerId = registeredBy ?? id,
            Action = AuditActions.AdminRegisterCaller,
            ObjectType = AuditObjects.Caller,
            ObjectId = id.ToString(),
            Outcome = AuditOutcomes.Ok,
        }, cancellationToken);
        await accessLog.CommitAsync(transaction, cancellationToken);

        var roles = caller.Roles.ToHashSet();
        return new CallerRecord(
            new Caller(id, caller.OrgCode, caller.OrgName, caller.SystemName, roles, caller.Clearance),
            caller.CertificateThumbprints,
            now,
            null,
            null)
        {
            AssertionKey = caller.AssertionKey,
        };
    }

    /// <summary>Disables a caller at once. Disabling twice is harmless; disabling the last active ADMIN is refused.</summary>
    public async Task<Outcome<CallerRecord>> DisableAsync(Guid callerId, string reason, Guid disabledBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Locking every active ADMIN row first serialises concurrent disables, so two admins cannot disable each other.
        const string lockAdmins = "SELECT caller_id FROM callers WHERE 'ADMIN' = ANY (roles) AND disabled_at IS NULL ORDER BY caller_id FOR UPDATE";
        var activeAdmins = (await connection.QueryAsync<Guid>(new CommandDefinition(lockAdmins, transaction: transaction, cancellationToken: cancellationToken))).ToList();

        var row = await connection.QuerySingleOrDefaultAsync<CallerRow>(new CommandDefinition(
            SelectColumns + " WHERE c.caller_id = @callerId FOR UPDATE OF c", new { callerId }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return HubError.NotFound(ReasonCodes.CallerNotFound, "no caller has this caller_id.");
        }

        if (row.DisabledAt is not null)
        {
            return row.ToRecord();
        }

        if (activeAdmins.Count == 1 && activeAdmins[0] == callerId)
        {
            return HubError.FailedPrecondition(ReasonCodes.LastAdmin, "this is the last active ADMIN caller; register another ADMIN before disabling it.");
        }

        var now = time.GetUtcNow();
        await CommitChangeAsync(
            connection,
            transaction,
            new CommandDefinition("UPDATE callers SET disabled_at = @now, disabled_reason = @reason WHERE caller_id = @callerId", new { now, reason, callerId }, transaction, cancellationToken: cancellationToken),
            new AccessRecord { CallerId = disabledBy, Action = AuditActions.AdminDisableCaller, ObjectType = AuditObjects.Caller, ObjectId = callerId.ToString(), Outcome = AuditOutcomes.Ok },
            cancellationToken);
        return row.ToRecord() with { DisabledAt = now, DisabledReason = reason };
    }

    /// <summary>Replaces the key hash in one transaction with its audit entry, so the old key and the new never both work.</summary>
    public async Task<Outcome<CallerRecord>> ReplaceApiKeyAsync(Guid callerId, byte[] apiKeyHash, string reason, Guid rotatedBy, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CallerRow>(new CommandDefinition(
            SelectColumns + " WHERE c.caller_id = @callerId FOR UPDATE OF c", new { callerId }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return HubError.NotFound(ReasonCodes.CallerNotFound, "no caller has this caller_id.");
        }

        if (row.DisabledAt is not null)
        {
            return HubError.FailedPrecondition(ReasonCodes.CallerDisabled, "this caller is disabled; register a new caller instead of giving a disabled one a key.");
        }

        await CommitChangeAsync(
            connection,
            transaction,
            new CommandDefinition("UPDATE callers SET api_key_hash = @apiKeyHash WHERE caller_id = @callerId", new { apiKeyHash, callerId }, transaction, cancellationToken: cancellationToken),
            new AccessRecord { CallerId = rotatedBy, Action = AuditActions.AdminRotateCallerKey, ObjectType = AuditObjects.Caller, ObjectId = callerId.ToString(), Purpose = reason, Outcome = AuditOutcomes.Ok },
            cancellationToken);
        return row.ToRecord();
    }

    /// <summary>One change to a caller's row, committed with its access-log entry: both or neither.</summary>
    private async Task CommitChangeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CommandDefinition change, AccessRecord entry, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(change);
        await accessLog.AppendAsync(connection, transaction, entry, cancellationToken);
        await accessLog.CommitAsync(transaction, cancellationToken);
    }

    /// <summary>Newest first, keyset-paged by (created_at, caller_id).</summary>
    public async Task<(IReadOnlyList<CallerRecord> Callers, string? NextCursor)> ListAsync(
        PageRequest page, bool includeDisabled, CancellationToken cancellationToken)
    {
        var (afterTime, afterId) = TimeIdCursor.Parse(page.Cursor);
        const string sql = SelectColumns + """
             WHERE (@includeDisabled OR c.disabled_at IS NULL)
               AND (@afterTime::timestamptz IS NULL OR (c.created_at, c.caller_id) < (@afterTime, @afterId))
             ORDER BY c.created_at DESC, c.caller_id DESC
             LIMIT @limit
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<CallerRow>(new CommandDefinition(
            sql,
            new { includeDisabled, afterTime, afterId, limit = page.Size + 1 },
            cancellationToken: cancellationToken))).ToList();
        var more = rows.Count > page.Size;
        var records = rows.Take(page.Size).Select(r => r.ToRecord()).ToList();
        var next = more
            ? TimeIdCursor.Encode(records[^1].CreatedAt, records[^1].Caller.Id)
            : null;
        return (records, next);
    }

    // A class with setters, not a positional record: Dapper's constructor matching wants exact CLR types.
    private sealed class CallerRow
    {
        public Guid CallerId { get; init; }

        public string OrgCode { get; init; } = string.Empty;

        public string OrgName { get; init; } = string.Empty;

        public string SystemName { get; init; } = string.Empty;

        public string[] Roles { get; init; } = [];

        public short Clearance { get; init; }

        public DateTime CreatedAt { get; init; }

        public DateTime? DisabledAt { get; init; }

        public string? DisabledReason { get; init; }

        public string[] Thumbprints { get; init; } = [];

        public byte[]? AssertionKey { get; init; }

        public CallerRecord ToRecord()
        {
            var roles = new HashSet<Role>();
            foreach (var name in Roles)
            {
                if (RoleNames.TryParse(name, out var role))
                {
                    roles.Add(role);
                }
            }

            return new CallerRecord(
                new Caller(CallerId, OrgCode, OrgName, SystemName, roles, (DataLevel)Clearance),
                Thumbprints,
                new DateTimeOffset(DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc)),
                DisabledAt is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : null,
                DisabledReason)
            {
                AssertionKey = AssertionKey,
            };
        }
    }
}
