using Dapper;
using Hub.Adapters.Exemption;
using Hub.Adapters.Ports;
using Hub.Common.V1;
using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.Secrets;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Server.Licenses;

/// <summary>Serves the exemption checks' view of an applicant's licenses from the repository.</summary>
public sealed class HolderLicenseSource(
    NpgsqlDataSource dataSource,
    PostgresLicenseStore store,
    LicenseLookup lookup,
    PostgresLicenseTypeStore types,
    DataProtector protector,
    IOptions<LicenseOptions> options) : IHolderLicenseSource
{
    public IReadOnlySet<string> LegacyUsccAllowList => options.Value.LegacyUsccSet;

    public byte[] HolderIndex(HolderIdType type, string normalizedNumber) => protector.BlindIndex(type, normalizedNumber);

    public async Task<IReadOnlyList<HolderLicense>> FindAsync(byte[] holderIndex, IReadOnlyCollection<string> typeCodes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var identifiers = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT v.identifier FROM licenses l JOIN license_versions v ON v.license_id = l.license_id AND v.version = l.current_version
            WHERE l.holder_index = @holderIndex AND l.type_code = ANY(@typeCodes)
            ORDER BY l.issued_at DESC
            LIMIT 100
            """,
            new { holderIndex, typeCodes = typeCodes.ToArray() },
            cancellationToken: cancellationToken));
        var result = new List<HolderLicense>();
        foreach (var identifier in identifiers)
        {
            var stored = await store.FindAsync(connection, null, identifier, forUpdate: false, cancellationToken);
            if (stored is null)
            {
                continue;
            }

            result.Add(await ToHolderLicenseAsync(stored, cancellationToken));
        }

        return result;
    }

    public async Task<HolderLicense?> FindByIdentifierAsync(string identifier, CancellationToken cancellationToken) =>
        await lookup.FindAsync(identifier, cancellationToken) is { } stored ? await ToHolderLicenseAsync(stored, cancellationToken) : null;

    private async Task<HolderLicense> ToHolderLicenseAsync(StoredLicense stored, CancellationToken cancellationToken)
    {
        var type = await types.FindAsync(stored.Content.TypeCode, cancellationToken);
        var content = stored.Content;
        return new HolderLicense(
            stored.Identifier, content.TypeCode, stored.Version, stored.StoredStatus, content.ValidFrom, content.ValidUntil, content.IssuedAt,
            content.IssuerOrgCode, content.TypeName, content.Holder.Name, stored.HolderIndex, content.Face, type?.Fields ?? [],
            type?.SharingType ?? SharingType.NotShared);
    }
}
