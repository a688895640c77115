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

    /// <summary>
    /// The <c>--url</c> (and <c>--ca-file</c>) the samples need when hubctl's default, http://127.0.0.1:5000, is not
    /// where this hub listens, so that every sample works as printed whatever the ports.
    /// </summary>
    private static string Target(EndpointOptions e, string certificate) =>
        e.GrpcPort == DefaultGrpcPort && e.GrpcAddress == "127.0.0.1" ? string.Empty
        : e.GrpcPort != 0 ? $" --url http://{Reachable(e.GrpcAddress)}:{e.GrpcPort}"
        : e.TlsPort != 0 ? $" --url https://{Reachable(e.Address)}:{e.TlsPort} --ca-file {certificate}"
        : string.Empty;

    /// <summary>A wildcard bind address is not one to connect to; on this machine loopback reaches it.</summary>
    private static string Reachable(string address) => address is "0.0.0.0" or "::" or "[::]" ? "127.0.0.1" : address;

    private const int DefaultGrpcPort = 5000;

    private void Print(int postgresPort)
    {
        var e = endpoints.Value;
        var target = Target(e, Relative(Path.Combine(hub.Value.StatePath, "tls", "cert.pem")));
        var keyFile = Relative(Path.Combine(hub.Value.StatePath, BootstrapAdminService.KeyFileName));
        var samples = string.Empty;
        var sampleFile = Path.Combine(hub.Value.StatePath, DemoDataSeeder.SampleFile);
        if (File.Exists(sampleFile) && JsonSerializer.Deserialize<DemoSample>(File.ReadAllText(sampleFile)) is { } sample)
        {
            var verifierKey = Relative(Path.Combine(hub.Value.StatePath, "demo-keys", "verifier"));
            samples = $"""

                  # 免证办: which materials of 食品经营许可 this enterprise need not submit (营业执照 is waived):
                  hubctl{target} exemption check-matter --matter {DemoCatalogue.FoodBusinessMatter} --applicant-id-type USCC --applicant-id {sample.EnterpriseUscc} --case-number XA-2026-000123 --purpose "食品经营许可审批" --api-key-file {verifierKey}
                  # the window system verifies a business license (valid), then a suspended one:
                  hubctl{target} licenses verify {sample.ValidIdentifier} --purpose "食品经营许可审批" --api-key-file {verifierKey}
                  hubctl{target} licenses verify {sample.SuspendedIdentifier} --purpose "食品经营许可审批" --api-key-file {verifierKey}
                  hubctl{target} keys list
                  # shared data: the housing centre queries 社会保险参保信息 under its approved grant (brokered to the 人社局 system):
                  hubctl{target} query --resource {DemoCatalogue.SocialInsuranceResource} --key {sample.HolderCitizenId} --purpose "公租房资格审核" --api-key-file {Relative(Path.Combine(hub.Value.StatePath, "demo-keys", "consumer-housing"))}
                  hubctl{target} grants list --api-key-file {Relative(Path.Combine(hub.Value.StatePath, "demo-keys", "provider-hrss"))}
                """;
        }

        Console.WriteLine($"""

            Hub is running on its embedded default.
              gRPC (h2c):       {(e.GrpcPort == 0 ? "off (Hub:Endpoints:GrpcPort = 0)" : $"http://{e.GrpcAddress}:{e.GrpcPort}")}
              gRPC + REST/TLS:  {(e.TlsPort == 0 ? "off (Hub:Endpoints:TlsPort = 0)" : $"https://{e.Address}:{e.TlsPort}   (self-signed certificate in {Path.Combine(hub.Value.StatePath, "tls")})")}
              PostgreSQL:       127.0.0.1:{postgresPort}, data in {database.Embedded!.DataDirectory}
              ADMIN API key:    {keyFile}  (demo callers' keys beside it in demo-keys/)

            Try it from another terminal in this folder (install hubctl once with scripts/install-hubctl.sh):
              hubctl{target} health
              hubctl{target} callers list{samples}

            Press Ctrl+C to stop the hub and its PostgreSQL.

            """);
    }
}
