using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Server.Infrastructure.Embedded;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Infrastructure;

/// <summary>
/// The hub on real sockets: h2c gRPC on one port, TLS on the other, and a registered client certificate (mTLS) as
/// the second way to authenticate.
/// </summary>
public sealed class KestrelEndpointTests : IDisposable
{
    private readonly string _tlsFolder = Directory.CreateTempSubdirectory("hub-tests-tls-").FullName;
    private readonly int _grpcPort;
    private readonly int _tlsPort;
    private readonly HubFactory _hub;
    private readonly X509Certificate2 _serverCertificate;

    public KestrelEndpointTests(PostgresCluster postgres)
    {
        _serverCertificate = Hub.Server.Infrastructure.Hosting.TlsCertificate.LoadOrCreateSelfSigned(_tlsFolder, TimeProvider.System);
        // A free port can be taken by a parallel test between choosing it and listening on it: then choose again.
        for (var attempt = 1; ; attempt++)
        {
            _grpcPort = LoopbackPorts.Choose(0);
            _tlsPort = LoopbackPorts.Choose(0);
            _hub = new HubFactory(postgres, new Dictionary<string, string?>
            {
                ["Hub:Endpoints:GrpcPort"] = _grpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Hub:Endpoints:TlsPort"] = _tlsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Hub:Endpoints:CertificatePath"] = Path.Combine(_tlsFolder, "tls", "cert.pem"),
                ["Hub:Endpoints:KeyPath"] = Path.Combine(_tlsFolder, "tls", "key.pem"),
            });
            _hub.UseKestrel();
            try
            {
                _hub.StartServer();
                return;
            }
            catch (IOException) when (attempt < 3)
            {
                _hub.Dispose();
            }
        }
    }

    [Fact]
    public async Task RegisteredClientCertificate_AuthenticatesWithoutAKey()
    {
        using var clientCertificate = CreateClientCertificate();
        var thumbprint = Convert.ToHexStringLower(SHA256.HashData(clientCertificate.RawData));
        using var h2c = GrpcChannel.ForAddress($"http://127.0.0.1:{_grpcPort}");
        var admin = new AdminService.AdminServiceClient(h2c);
        var adminHeaders = new Metadata { { "authorization", "Bearer " + HubFactory.AdminApiKey } };
        await admin.RegisterCallerAsync(
            new RegisterCallerRequest
            {
                OrgCode = "91350100M000100Y43",
                OrgName = "证书调用方",
                SystemName = "mtls-system",
                Roles = { Role.Admin },
                Clearance = DataLevel.L1Public,
                ClientCertificateThumbprints = { thumbprint },
            },
            adminHeaders,
            cancellationToken: TestContext.Current.CancellationToken);

        using var tls = TlsChannel(clientCertificate);
        var list = await new AdminService.AdminServiceClient(tls).ListCallersAsync(new ListCallersRequest(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Contains(list.Callers, c => c.SystemName == "mtls-system" && c.ClientCertificateThumbprints.Contains(thumbprint));
    }

    [Fact]
    public async Task RegisteredClientCertificate_OutsideItsValidity_IsUnauthenticated()
    {
        using var expired = CreateClientCertificate(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        var thumbprint = Convert.ToHexStringLower(SHA256.HashData(expired.RawData));
        using var h2c = GrpcChannel.ForAddress($"http://127.0.0.1:{_grpcPort}");
        await new AdminService.AdminServiceClient(h2c).RegisterCallerAsync(
            new RegisterCallerRequest
            {
                OrgCode = "91350100M000100Y43",
                OrgName = "证书调用方",
                SystemName = "expired-mtls-system",
                Roles = { Role.Admin },
                Clearance = DataLevel.L1Public,
                ClientCertificateThumbprints = { thumbprint },
            },
            new Metadata { { "authorization", "Bearer " + HubFactory.AdminApiKey } },
            cancellationToken: TestContext.Current.CancellationToken);

        using var tls = TlsChannel(expired);
        var refused = await RpcAssert.FailsAsync(
            StatusCode.Unauthenticated,
            async () => await new AdminService.AdminServiceClient(tls).ListCallersAsync(new ListCallersRequest(), cancellationToken: TestContext.Current.CancellationToken),
            "CERTIFICATE_NOT_IN_VALIDITY");

        Assert.Contains("not now", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnregisteredClientCertificate_IsUnauthenticated()
    {
        using var clientCertificate = CreateClientCertificate();
        using var tls = TlsChannel(clientCertificate);

        await RpcAssert.FailsAsync(
            StatusCode.Unauthenticated,
            async () => await new AdminService.AdminServiceClient(tls).ListCallersAsync(new ListCallersRequest(), cancellationToken: TestContext.Current.CancellationToken),
            "UNKNOWN_CREDENTIALS");
    }

    [Fact]
    public async Task TlsPort_ServesApiKeyCallersToo()
    {
        using var tls = TlsChannel(null);
        var headers = new Metadata { { "authorization", "Bearer " + HubFactory.AdminApiKey } };

        var list = await new AdminService.AdminServiceClient(tls).ListCallersAsync(new ListCallersRequest(), headers, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Single(list.Callers);
    }

    public void Dispose()
    {
        _hub.Dispose();
        _serverCertificate.Dispose();
        Directory.Delete(_tlsFolder, recursive: true);
    }

    private GrpcChannel TlsChannel(X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString() == _serverCertificate.GetCertHashString();
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return GrpcChannel.ForAddress($"https://127.0.0.1:{_tlsPort}", new GrpcChannelOptions { HttpHandler = handler });
    }

    private static X509Certificate2 CreateClientCertificate() => CreateClientCertificate(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

    private static X509Certificate2 CreateClientCertificate(DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=department-system", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
