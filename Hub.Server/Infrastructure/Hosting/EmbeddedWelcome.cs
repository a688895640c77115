using Hub.Server.Callers;
using Hub.Server.Infrastructure.Postgres;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>On the embedded default, prints where the hub listens, where the admin key is and a sample call.</summary>
internal sealed class EmbeddedWelcome(
    IHostApplicationLifetime lifetime,
    HubDatabase database,
    IOptions<HubOptions> hub,
    IOptions<EndpointOptions> endpoints) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (database.Embedded is { } cluster)
        {
            lifetime.ApplicationStarted.Register(() => Print(cluster.Port));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Print(int postgresPort)
    {
        var e = endpoints.Value;
        var keyFile = Path.Combine(hub.Value.StatePath, BootstrapAdminService.KeyFileName);
        Console.WriteLine($"""

            Hub is running on its embedded default.
              gRPC (h2c):       http://{e.Address}:{e.GrpcPort}
              gRPC + REST/TLS:  https://{e.Address}:{e.TlsPort}   (self-signed certificate in {Path.Combine(hub.Value.StatePath, "tls")})
              PostgreSQL:       127.0.0.1:{postgresPort}, data in {database.Embedded!.DataDirectory}
              ADMIN API key:    {keyFile}

            Try it from another terminal in this folder:
              dotnet run --project Hub.Cli -- health
              dotnet run --project Hub.Cli -- callers list

            Press Ctrl+C to stop the hub and its PostgreSQL.

            """);
    }
}
