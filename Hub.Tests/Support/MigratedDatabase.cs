using Hub.Server.Infrastructure.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hub.Tests.Support;

/// <summary>A fresh database of the test cluster with every migration applied.</summary>
public static class MigratedDatabase
{
    public static async Task<NpgsqlDataSource> CreateAsync(PostgresCluster postgres)
    {
        var dataSource = NpgsqlDataSource.Create(postgres.CreateDatabase());
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).RunAsync(Migration.LoadEmbedded(), CancellationToken.None);
        return dataSource;
    }
}
