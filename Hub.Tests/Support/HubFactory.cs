using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Tests.Support;

/// <summary>
/// The real hub in memory (TestServer) on a fresh database of the test cluster, with a known bootstrap ADMIN key.
/// Settings can be added per test (e.g. Redis).
/// </summary>
public sealed class HubFactory : WebApplicationFactory<Program>
{
    public const string AdminApiKey = "hub_test-admin-key-0123456789abcdefghijklmnopqrstuv";

    private readonly Dictionary<string, string?> _settings;
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("hub-tests-state-").FullName;

    public HubFactory(PostgresCluster postgres, IDictionary<string, string?>? settings = null)
        : this(postgres.CreateDatabase(), settings)
    {
    }

    public HubFactory(string connectionString, IDictionary<string, string?>? settings = null)
    {
        ConnectionString = connectionString;
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        _settings.TryAdd("ConnectionStrings:Hub", connectionString);
        _settings.TryAdd("Hub:StateDirectory", _stateDirectory);
        _settings.TryAdd("Hub:Bootstrap:AdminApiKey", AdminApiKey);
        _settings.TryAdd("Hub:Secrets:MasterKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        _settings.TryAdd("Logging:LogLevel:Default", "Warning");
        _settings.TryAdd("Hub:Audit:CheckpointIntervalMilliseconds", "100");
        _settings.TryAdd("Hub:Telemetry:MetricsPort", "0"); // tests that listen choose their ports; 9464 is the operator's
    }

    private HubFactory(Dictionary<string, string?> settings)
    {
        ConnectionString = string.Empty;
        _settings = settings;
    }

    public string ConnectionString { get; }

    /// <summary>The master key the hub's data keys are wrapped with: a second replica on the same database needs it.</summary>
    public string? MasterKey => _settings.GetValueOrDefault("Hub:Secrets:MasterKey");

    /// <summary>
    /// The hub on its embedded default: no connection string, its own PostgreSQL provisioned in
    /// <paramref name="stateDirectory"/> (kept after dispose, so a second factory can start it again).
    /// </summary>
    public static HubFactory Embedded(string stateDirectory) => new(new Dictionary<string, string?>
    {
        ["Hub:StateDirectory"] = stateDirectory,
        ["Hub:Embedded:PreferredPort"] = "0",
        ["Hub:Demo:Holders"] = "4",
        ["Hub:Demo:ProviderPort"] = "0",
        ["Hub:Telemetry:MetricsPort"] = "0",
        ["Logging:LogLevel:Default"] = "Warning",
    });

    /// <summary>Extra services for one test (e.g. a fake clock), registered after the hub's own.</summary>
    public Action<IServiceCollection>? ConfigureTestServices { get; init; }

    /// <summary>A channel to the in-memory hub; with an API key every call carries it, and any extra metadata given.</summary>
    public GrpcChannel Channel(string? apiKey = null, IReadOnlyDictionary<string, string>? metadata = null) => GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
    {
        HttpHandler = apiKey is null ? Server.CreateHandler() : new BearerHandler(apiKey, metadata ?? new Dictionary<string, string>()) { InnerHandler = Server.CreateHandler() },
        MaxReceiveMessageSize = null,
        MaxSendMessageSize = null,
    });

    /// <summary>Registers a calling system through the real AdminService with the bootstrap ADMIN key (a unique system name each time).</summary>
    public async Task<Hub.Admin.V1.RegisterCallerResponse> RegisterCallerAsync(string org, string system, Hub.Common.V1.DataLevel clearance, params Hub.Common.V1.Role[] roles) =>
        await new Hub.Admin.V1.AdminService.AdminServiceClient(Channel(AdminApiKey)).RegisterCallerAsync(new Hub.Admin.V1.RegisterCallerRequest
        {
            OrgCode = org,
            OrgName = "测试单位 " + org[..8],
            SystemName = $"{system}-{Guid.NewGuid():N}"[..Math.Min(system.Length + 13, 40)],
            Roles = { roles },
            Clearance = clearance,
        });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new TestOutputLoggerProvider()));
        if (ConfigureTestServices is { } configure)
        {
            builder.ConfigureServices(configure);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(_stateDirectory))
        {
            Directory.Delete(_stateDirectory, recursive: true);
        }
    }

    private sealed class BearerHandler(string apiKey, IReadOnlyDictionary<string, string> metadata) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation("authorization", "Bearer " + apiKey);
            foreach (var (name, value) in metadata)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
