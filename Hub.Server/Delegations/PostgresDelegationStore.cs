using Dapper;
using Hub.Core.Ports;
using Hub.Core.Validation;
using Hub.Delegations.V1;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Server.Delegations;

/// <summary><see cref="IDelegationStore"/> in PostgreSQL (table <c>delegations</c>; stored status 1 active, 3 revoked, 5 ended).</summary>
public sealed class PostgresDelegationStore(NpgsqlDataSource dataSource) : IDelegationStore
{
    private const string SelectColumns = """
        SELECT delegation_id AS DelegationId, principal_index AS PrincipalIndex, delegate_index AS DelegateIndex,
               principal_sealed AS PrincipalSealed, delegate_sealed AS DelegateSealed, delegate_label AS DelegateLabel,
               license_identifiers AS LicenseIdentifiers, type_codes AS TypeCodes, matter_codes AS MatterCodes, purposes AS Purposes,
               granted_at AS GrantedAt, valid_until AS ValidUntil, single_use AS SingleUse, uses AS Uses, status AS Status,
               revoked_at AS RevokedAt, last_used_at AS LastUsedAt, legal_rep_type_code AS LegalRepTypeCode, legal_rep_sealed AS LegalRepSealed
        FROM delegations
        """;

    public async Task InsertAsync(IWriteTransaction transaction, StoredDelegation delegation, Guid grantedBy, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        const string insert = """
            INSERT INTO delegations (delegation_id, principal_index, delegate_index, principal_sealed, delegate_sealed, delegate_label,
                                     license_identifiers, type_codes, matter_codes, purposes, granted_at, granted_by, valid_until,
                                     single_use, status, legal_rep_type_code, legal_rep_sealed)
            VALUES (@DelegationId, @PrincipalIndex, @DelegateIndex, @PrincipalSealed, @DelegateSealed, @DelegateLabel,
                    @identifiers, @types, @matters, @purposes, @GrantedAt, @grantedBy, @ValidUntil,
                    @SingleUse, 1, @LegalRepTypeCode, @LegalRepSealed)
            """;
        await connection.ExecuteAsync(new CommandDefinition(insert, new
        {
            delegation.DelegationId,
            delegation.PrincipalIndex,
            delegation.DelegateIndex,
            delegation.PrincipalSealed,
            delegation.DelegateSealed,
            delegation.DelegateLabel,
            identifiers = delegation.LicenseIdentifiers.ToArray(),
            types = delegation.TypeCodes.ToArray(),
            matters = delegation.MatterCodes.ToArray(),
            purposes = delegation.Purposes.ToArray(),
            delegation.GrantedAt,
            grantedBy,
            delegation.ValidUntil,
            delegation.SingleUse,
            delegation.LegalRepTypeCode,
            delegation.LegalRepSealed,
        }, tx, cancellationToken: cancellationToken));
    }

    public async Task<StoredDelegation?> LockAsync(IWriteTransaction transaction, Guid delegationId, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        var row = await connection.QuerySingleOrDefaultAsync<DelegationRow>(new CommandDefinition(
            SelectColumns + " WHERE delegation_id = @delegationId FOR UPDATE", new { delegationId }, tx, cancellationToken: cancellationToken));
        return row?.ToDelegation();
    }

    public async Task RevokeAsync(IWriteTransaction transaction, Guid delegationId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var (connection, tx) = PostgresWriteTransaction.Open(transaction);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE delegations SET status = 3, revoked_at = @at WHERE delegation_id = @delegationId", new { delegationId, at }, tx, cancellationToken: cancellationToken));
    }

    public async Task<StoredDelegation?> GetAsync(Guid delegationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DelegationRow>(new CommandDefinition(
            SelectColumns + " WHERE delegation_id = @delegationId", new { delegationId }, cancellationToken: cancellationToken));
        return row?.ToDelegation();
    }

    public async Task<bool> TryUseAsync(Guid delegationId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The row lock this UPDATE takes orders racing uses; the loser re-reads uses = 1 and matches nothing.
        const string sql = """
            UPDATE delegations SET uses = uses + 1, last_used_at = @now
            WHERE delegation_id = @delegationId AND status = 1 AND valid_until > @now AND (NOT single_use OR uses = 0)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, new { delegationId, now }, cancellationToken: cancellationToken)) == 1;
    }

    public async Task EndAsync(Guid delegationId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE delegations SET status = 5 WHERE delegation_id = @delegationId AND status = 1", new { delegationId }, cancellationToken: cancellationToken));
    }

    public async Task<(IReadOnlyList<StoredDelegation> Delegations, string? NextCursor)> ListAsync(
        byte[] holderIndex, bool asPrincipal, PageRequest page, CancellationToken cancellationToken)
    {
        // Newest first: ids are version-7 UUIDs, ordered by grant time.
        var column = asPrincipal ? "principal_index" : "delegate_index";
        var sql = SelectColumns + $"""
             WHERE {column} = @holderIndex AND (@after::uuid IS NULL OR delegation_id < @after)
             ORDER BY delegation_id DESC
             LIMIT @limit
            """;
        Guid? after = Guid.TryParse(page.Cursor, out var cursor) ? cursor : null;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<DelegationRow>(new CommandDefinition(
            sql, new { holderIndex, after, limit = page.Size + 1 }, cancellationToken: cancellationToken))).ToList();
        var delegations = rows.Take(page.Size).Select(r => r.ToDelegation()).ToList();
        return (delegations, rows.Count > page.Size ? delegations[^1].DelegationId.ToString() : null);
    }

    private sealed class DelegationRow
    {
        public Guid DelegationId { get; init; }

        public byte[] PrincipalIndex { get; init; } = [];

        public byte[] DelegateIndex { get; init; } = [];

        public byte[] PrincipalSealed { get; init; } = [];

        public byte[] DelegateSealed { get; init; } = [];

        public string DelegateLabel { get; init; } = string.Empty;

        public string[] LicenseIdentifiers { get; init; } = [];

        public string[] TypeCodes { get; init; } = [];

        public string[] MatterCodes { get; init; } = [];

        public string[] Purposes { get; init; } = [];

        public DateTime GrantedAt { get; init; }

        public DateTime ValidUntil { get; init; }

        public bool SingleUse { get; init; }

        public int Uses { get; init; }

        public short Status { get; init; }

        public DateTime? RevokedAt { get; init; }

        public DateTime? LastUsedAt { get; init; }

        public string? LegalRepTypeCode { get; init; }

        public byte[]? LegalRepSealed { get; init; }

        public StoredDelegation ToDelegation() => new(
            DelegationId, PrincipalIndex, DelegateIndex, PrincipalSealed, DelegateSealed, DelegateLabel, LicenseIdentifiers, TypeCodes, MatterCodes, Purposes,
            Utc(GrantedAt), Utc(ValidUntil), SingleUse, Uses,
            Status switch { 3 => DelegationStatus.Revoked, 5 => DelegationStatus.Ended, _ => DelegationStatus.Active },
            RevokedAt is { } r ? Utc(r) : null, LastUsedAt is { } u ? Utc(u) : null, LegalRepTypeCode, LegalRepSealed);

        private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
    }
}
