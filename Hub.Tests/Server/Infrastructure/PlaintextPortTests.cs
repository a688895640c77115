using Hub.Server.Infrastructure.Embedded;
using Hub.Tests.Support;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Server.Infrastructure;

/// <summary>
/// The plain-text (h2c) port carries API keys and personal data in the clear: it stays on loopback when the TLS port
/// is opened to the network, and GrpcPort 0 turns it off rather than binding a random port.
/// </summary>
public sealed class PlaintextPortTests(PostgresCluster postgres)
{
    [Fact]
    public void Grpc_port_zero_turns_the_plaintext_port_off()
    {
        var tls = LoopbackPorts.Choose(0);
        using var hub = Start(new() { ["Hub:Endpoints:GrpcPort"] = "0", ["Hub:Endpoints:TlsPort"] = Text(tls) });

        Assert.Equal([$"https://127.0.0.1:{tls}"], Addresses(hub));
    }

    [Fact]
    public void Opening_the_tls_port_to_the_network_leaves_the_plaintext_port_on_loopback()
    {
        var (grpc, tls) = (LoopbackPorts.Choose(0), LoopbackPorts.Choose(0));
        using var hub = Start(new() { ["Hub:Endpoints:Address"] = "0.0.0.0", ["Hub:Endpoints:GrpcPort"] = Text(grpc), ["Hub:Endpoints:TlsPort"] = Text(tls) });

        Assert.Equal([$"http://127.0.0.1:{grpc}", $"https://0.0.0.0:{tls}"], Addresses(hub).Order(StringComparer.Ordinal));
    }

    private static string Text(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string[] Addresses(HubFactory hub) =>
        [.. hub.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses];

    private HubFactory Start(Dictionary<string, string?> settings)
    {
        var folder = Directory.CreateTempSubdirectory("hub-tests-h2c-").FullName;
        var certificate = Hub.Server.Infrastructure.Hosting.TlsCertificate.LoadOrCreateSelfSigned(folder, TimeProvider.System);
        certificate.Dispose();
        settings["Hub:Endpoints:CertificatePath"] = Path.Combine(folder, "tls", "cert.pem");
        settings["Hub:Endpoints:KeyPath"] = Path.Combine(folder, "tls", "key.pem");
        var hub = new HubFactory(postgres, settings);
        hub.UseKestrel();
        hub.StartServer();
        return hub;
    }
}
