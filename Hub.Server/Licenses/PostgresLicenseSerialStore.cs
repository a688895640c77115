using Dapper;
using Npgsql;

namespace Hub.Server.Licenses;

/// <summary><see cref="ILicenseSerialStore"/> in PostgreSQL: <c>license_serials</c>, one upsert per reservation.</summary>
public sealed class PostgresLicenseSerialStore(NpgsqlDataSource dataSource) : ILicenseSerialStore
{
    public async Task<long> ReserveAsync(string typeCode, string issuerOrgCode, int count, CancellationToken cancellationToken)
    {
        const string sql = """
            INSERT INTO license_serials (type_code, issuer_org_code, last_serial) VALUES (@typeCode, @issuerOrgCode, @count)
            ON CONFLICT (type_code, issuer_org_code) DO UPDATE SET last_serial = license_serials.last_serial + @count
            RETURNING last_serial
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, new { typeCode, issuerOrgCode, count = (long)count }, cancellationToken: cancellationToken));
    }
}
