using System.Text.Json;
using Hub.Server.Callers;
using Hub.Server.Demo;
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

    private static string Relative(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    private void Print(int postgresPort)
    {
        var e = endpoints.Value;
        var keyFile = Relative(Path.Combine(hub.Value.StatePath, BootstrapAdminService.KeyFileName));
        var samples = string.Empty;
        var sampleFile = Path.Combine(hub.Value.StatePath, DemoDataSeeder.SampleFile);
        if (File.Exists(sampleFile) && JsonSerializer.Deserialize<DemoSample>(File.ReadAllText(sampleFile)) is { } sample)
        {
            var verifierKey = Relative(Path.Combine(hub.Value.StatePath, "demo-keys", "verifier"));
            samples = $"""

                  # 免证办: which materials of 食品经营许可 this enterprise need not submit (营业执照 is waived):
                  dotnet run --project Hub.Cli -- exemption check-matter --matter {DemoCatalogue.FoodBusinessMatter} --applicant-id-type USCC --applicant-id {sample.EnterpriseUscc} --case-number XA-2026-000123 --purpose "食品经营许可审批" --api-key-file {verifierKey}
                  # the window system verifies a business license (valid), then a suspended one:
                  dotnet run --project Hub.Cli -- licenses verify {sample.ValidIdentifier} --purpose "食品经营许可审批" --api-key-file {verifierKey}
                  dotnet run --project Hub.Cli -- licenses verify {sample.SuspendedIdentifier} --purpose "食品经营许可审批" --api-key-file {verifierKey}
                  dotnet run --project Hub.Cli -- keys list
                  # shared data: the housing centre queries 社会保险参保信息 under its approved grant (brokered to the 人社局 system):
                  dotnet run --project Hub.Cli -- query --resource {DemoCatalogue.SocialInsuranceResource} --key {sample.HolderCitizenId} --purpose "公租房资格审核" --api-key-file {Relative(Path.Combine(hub.Value.StatePath, "demo-keys", "consumer-housing"))}
                  dotnet run --project Hub.Cli -- grants list --api-key-file {Relative(Path.Combine(hub.Value.StatePath, "demo-keys", "provider-hrss"))}
                """;
        }

        Console.WriteLine($"""

            Hub is running on its embedded default.
              gRPC (h2c):       {(e.GrpcPort == 0 ? "off (Hub:Endpoints:GrpcPort = 0)" : $"http://{e.GrpcAddress}:{e.GrpcPort}")}
              gRPC + REST/TLS:  {(e.TlsPort == 0 ? "off (Hub:Endpoints:TlsPort = 0)" : $"https://{e.Address}:{e.TlsPort}   (self-signed certificate in {Path.Combine(hub.Value.StatePath, "tls")})")}
              PostgreSQL:       127.0.0.1:{postgresPort}, data in {database.Embedded!.DataDirectory}
              ADMIN API key:    {keyFile}  (demo callers' keys beside it in demo-keys/)

            Try it from another terminal in this folder:
              dotnet run --project Hub.Cli -- health
              dotnet run --project Hub.Cli -- callers list{samples}

            Press Ctrl+C to stop the hub and its PostgreSQL.

            """);
    }
}
