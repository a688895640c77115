namespace Hub.Server.Infrastructure.Postgres;

/// <summary>Brings the schema up to date before the hub takes its first call.</summary>
internal sealed class DatabaseMigrationService(MigrationRunner runner) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => runner.RunAsync(Migration.LoadEmbedded(), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
