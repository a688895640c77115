using Hub.Server.Infrastructure.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hub.Tests.Support;

/// <summary>A fresh database of the test cluster with every migration applied.</summary>
public static class MigratedDatabase
{
    public static Task<NpgsqlDataSource> CreateAsync(PostgresCluster postgres) => CreateAsync(postgres.CreateDatabase());

    /// <summary>Migrates the database of <paramref name="connectionString"/> (e.g. one shared by two hosts).</summary>
    public static async Task<NpgsqlDataSource> CreateAsync(string connectionString)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString);
        await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).RunAsync(Migration.LoadEmbedded(), CancellationToken.None);
        return dataSource;
    }
}
