using Dapper;
using Hub.Server.Infrastructure.Postgres;
using Hub.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hub.Tests.Server.Infrastructure;

public sealed class MigrationTests(PostgresCluster postgres)
{
    [Fact]
    public async Task Run_OnEmptyDatabase_AppliesEveryMigrationAndRecordsIt()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.CreateDatabase());
        var migrations = Migration.LoadEmbedded();

        var applied = await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).RunAsync(migrations, TestContext.Current.CancellationToken);

        Assert.Equal(migrations.Count, applied);
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var recorded = (await connection.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version")).ToList();
        Assert.Equal(migrations.Select(m => m.Version), recorded);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM log_head"));
    }

    [Fact]
    public async Task Run_Again_AppliesNothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.CreateDatabase());
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        await runner.RunAsync(Migration.LoadEmbedded(), TestContext.Current.CancellationToken);

        Assert.Equal(0, await runner.RunAsync(Migration.LoadEmbedded(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Run_ConcurrentlyFromTwoReplicas_AppliesEachMigrationOnce()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.CreateDatabase());
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);

        var counts = await Task.WhenAll(
            runner.RunAsync(Migration.LoadEmbedded(), TestContext.Current.CancellationToken),
            runner.RunAsync(Migration.LoadEmbedded(), TestContext.Current.CancellationToken));

        Assert.Equal(Migration.LoadEmbedded().Count, counts.Sum());
    }

    [Fact]
    public async Task Run_AppliedMigrationChanged_StopsWithAClearMessage()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres.CreateDatabase());
        var runner = new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance);
        var migrations = Migration.LoadEmbedded();
        await runner.RunAsync(migrations, TestContext.Current.CancellationToken);
        var edited = migrations.Select((m, i) => i == 0 ? m with { Sql = m.Sql + "\n-- edited" } : m).ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(edited, TestContext.Current.CancellationToken));

        Assert.Contains("was changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadEmbedded_FindsTheRepositoryMigrationsInOrder()
    {
        var files = Directory.GetFiles(Path.Combine(Architecture.ProjectDependencyTests.RepositoryRoot(), "db", "migrations"), "*.sql")
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(files, Migration.LoadEmbedded().Select(m => m.Name));
    }
}
