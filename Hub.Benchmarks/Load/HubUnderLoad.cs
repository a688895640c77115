using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using Hub.Admin.V1;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Licenses.V1;
using Hub.Server.Infrastructure.Embedded;
using Hub.Server.Infrastructure.Hosting;
using Hub.Signing.Identifiers;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Hub.Benchmarks.Load;

/// <summary>
/// A real hub for the load harness: started in this process on a free loopback port (its own embedded PostgreSQL
/// unless a connection string is given), or one already running at <c>--url</c> (set up through its API with an ADMIN
/// key); either way with callers, a license type, a matter and N licenses imported through the real ImportLicenses path,
/// and a provider system on another loopback port serving a granted data resource.
/// </summary>
internal sealed class HubUnderLoad : ILoadTarget, IAsyncDisposable
{
    public const string TypeCode = "11610100MB0000000J101";
    public const string MatterCode = "LOAD-MATTER";
    public const string ResourceCode = "LOAD-RESOURCE";

    /// <summary>This run's data resource (the code carries the run, so runs against one running hub do not collide).</summary>
    public string QueryResource => ResourceCode + "-" + _run;
    private const string Org = "11610100MB1000000Q";
    private readonly WebApplication? _app;
    private readonly string? _state;

    /// <summary>Tells this run's callers and license numbers apart from earlier runs against the same running hub.</summary>
    private readonly string _run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private HubUnderLoad(WebApplication? app, string? state, string url, int connections, LoopbackProvider provider)
    {
        _app = app;
        _state = state;
        Channel = OpenChannel(url);
        LoadChannels = [.. Enumerable.Range(0, Math.Max(1, connections)).Select(_ => OpenChannel(url))];
        Provider = provider;
    }

    /// <summary>The provider system behind <see cref="ResourceCode"/>: it knows every key.</summary>
    public LoopbackProvider Provider { get; }

    /// <summary>Where the hub listens (for a hub started here: its h2c port on loopback).</summary>
    public string Url => "http://" + Channel.Target;

    /// <summary>The ADMIN key the harness set the hub up with.</summary>
    public string AdminKey { get; private set; } = string.Empty;

    public string ConsumerKey { get; private set; } = string.Empty;

    /// <summary>The set-up channel (registration, seeding, subscriptions).</summary>
    public GrpcChannel Channel { get; }

    /// <summary>
    /// The measured calls' channels, one HTTP/2 connection each (<c>--connections</c>): one connection carrying every
    /// stream serialises the client's writes and made the client, not the hub, the bottleneck at 128 in flight.
    /// </summary>
    public IReadOnlyList<GrpcChannel> LoadChannels { get; }

    public string VerifierKey { get; private set; } = string.Empty;

    /// <summary>The verifier's caller id: its access-log entries are how h2load's successes are counted.</summary>
    public Guid VerifierCallerId { get; private set; }

    public string IssuerKey { get; private set; } = string.Empty;

    /// <summary>A SUBSCRIBER: reads every change event (the event-delivery scenario).</summary>
    public string SubscriberKey { get; private set; } = string.Empty;

    public List<(string Identifier, string HolderId)> Seeded { get; } = [];

    IReadOnlyList<(string Identifier, string HolderId)> ILoadTarget.Seeded => Seeded;

    /// <summary>The hub's database, when the harness started the hub itself (for the COPY ceiling).</summary>
    public Npgsql.NpgsqlDataSource? DataSource => _app?.Services.GetService(typeof(Hub.Server.Infrastructure.Postgres.HubDatabase)) is Hub.Server.Infrastructure.Postgres.HubDatabase database ? database.DataSource : null;

    /// <summary>Tells this run's records apart from earlier runs' (for license numbers).</summary>
    public string Run => _run;

    public static async Task<HubUnderLoad> StartAsync(LoadOptions options, TextWriter progress)
    {
        if (options.Url is { } url)
        {
            var remoteAdminKey = options.AdminApiKey ?? throw new ArgumentException("--url needs an ADMIN key: --admin-key-file FILE or HUB_ADMIN_API_KEY");
            var external = new HubUnderLoad(null, null, url, options.Connections, await StartProviderAsync());
            await external.SeedAsync(remoteAdminKey, options.Licenses, options.Concurrency, progress);
            return external;
        }

        var state = Directory.CreateTempSubdirectory("hub-load-").FullName;
        var port = LoopbackPorts.Choose(0);
        var adminKey = "hub_load-admin-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var settings = new Dictionary<string, string?>
        {
            ["Hub:StateDirectory"] = state,
            ["Hub:Endpoints:GrpcPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hub:Endpoints:TlsPort"] = "0",
            ["Hub:Demo:Enabled"] = "false",
            ["Hub:Embedded:PreferredPort"] = "0",
            ["Hub:Bootstrap:AdminApiKey"] = adminKey,
            ["Hub:RateLimit:PermitsPerSecond"] = "1000000",
            ["Hub:RateLimit:Burst"] = "1000000",
            // The harness's window system touches every seeded holder, many times an hour, by design.
            ["Hub:AccessWatch:DistinctHoldersPerHour"] = "10000000",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Hub:Exchange:AllowPlaintextProviders"] = "true",
            ["Hub:Signing:Engine"] = options.Engine,
        };
        if (options.ConnectionString is { } connectionString)
        {
            settings["ConnectionStrings:Hub"] = connectionString;
            settings["Hub:Secrets:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddHub();
        var app = builder.Build();
        app.MapHub();
        await app.StartAsync();
        var hub = new HubUnderLoad(app, state, $"http://127.0.0.1:{port}", options.Connections, await StartProviderAsync());
        await hub.SeedAsync(adminKey, options.Licenses, options.Concurrency, progress);
        return hub;
    }

    public static Metadata Key(string apiKey) => new() { { "authorization", "Bearer " + apiKey } };

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        foreach (var channel in LoadChannels)
        {
            channel.Dispose();
        }

        await Provider.DisposeAsync();
        if (_app is null || _state is null)
        {
            return;
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        var record = Path.Combine(_state, "postgres.json");
        if (File.Exists(record))
        {
            var root = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(record)).RootElement.GetProperty("ClusterRoot").GetString()!;
            Directory.Delete(root, recursive: true);
        }

        Directory.Delete(_state, recursive: true);
    }

    public static string CitizenId(int n)
    {
        var first17 = "610113" + new DateOnly(1960, 1, 1).AddDays(n % 20000).ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture) + (n / 20000 % 1000).ToString("000", System.Globalization.CultureInfo.InvariantCulture);
        return first17 + CitizenIdNumber.CheckCharacter(first17);
    }

    public static IssueLicenseRequest IssueRequest(string number, string holderId) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        TypeCode = TypeCode,
        LicenseNumber = number,
        Holder = new Holder { Name = "压测用户", IdType = HolderIdType.CitizenId, IdNumber = holderId },
        ValidFrom = new Google.Type.Date { Year = 2024, Month = 1, Day = 1 },
        Face = { ["category"] = "A类", ["address"] = "陕西省西安市雁塔区科技路1号" },
    };

    internal static GrpcChannel OpenChannel(string url) => GrpcChannel.ForAddress(url, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
    });

    private static async Task<LoopbackProvider> StartProviderAsync()
    {
        var provider = await LoopbackProvider.StartAsync();
        provider.State.RecordRequests = false;
        provider.State.DefaultRecord = new Dictionary<string, string> { ["insured_status"] = "正常参保", ["name"] = "压测用户", ["phone"] = "13812345678" };
        return provider;
    }

    private async Task SeedAsync(string adminKey, int licenses, int concurrency, TextWriter progress)
    {
        AdminKey = adminKey;
        var admin = new AdminService.AdminServiceClient(Channel);
        async Task<RegisterCallerResponse> RegisterCaller(Role role, string system) => await admin.RegisterCallerAsync(new RegisterCallerRequest
        {
            OrgCode = Org,
            OrgName = "压测单位",
            SystemName = $"{system}-{_run}",
            Roles = { role },
            Clearance = DataLevel.L2Internal,
        }, Key(adminKey));
        async Task<string> Register(Role role, string system) => (await RegisterCaller(role, system)).ApiKey;

        var catalogueKey = await Register(Role.Catalogue, "load-catalogue");
        IssuerKey = await Register(Role.Issuer, "load-issuer");
        var verifier = await RegisterCaller(Role.Verifier, "load-verifier");
        (VerifierKey, VerifierCallerId) = (verifier.ApiKey, Guid.Parse(verifier.CallerId));
        ConsumerKey = await Register(Role.Consumer, "load-consumer");
        SubscriberKey = await Register(Role.Subscriber, "load-subscriber");
        var catalogue = new CatalogueService.CatalogueServiceClient(Channel);
        await catalogue.RegisterLicenseTypeAsync(new RegisterLicenseTypeRequest
        {
            TypeCode = TypeCode,
            Name = "压测证照",
            DefiningOrgCode = "11610100MB0000000J",
            IssuerOrgCodes = { Org },
            HolderKind = HolderKind.Person,
            SharingType = SharingType.Unconditional,
            Fields =
            {
                new FieldSpec { Name = "category", Label = "类别", Kind = FieldKind.String, Required = true, Level = DataLevel.L1Public, Mask = MaskRule.None },
                new FieldSpec { Name = "address", Label = "住址", Kind = FieldKind.String, Level = DataLevel.L3Sensitive, Mask = MaskRule.Address },
            },
        }, Key(catalogueKey));
        await catalogue.RegisterMatterAsync(new RegisterMatterRequest
        {
            MatterCode = MatterCode,
            Name = "压测事项",
            DepartmentCode = Org,
            Materials = { new Material { MaterialCode = "M1", Name = "证照", AcceptedTypeCodes = { TypeCode }, NeededFields = { "category", "address" } } },
        }, Key(catalogueKey));

        await catalogue.RegisterDataResourceAsync(new RegisterDataResourceRequest
        {
            ResourceCode = ResourceCode + "-" + _run,
            Name = "压测共享数据",
            ProviderOrgCode = Org,
            ProviderEndpoint = Provider.Endpoint,
            KeyKind = HolderIdType.CitizenId,
            SharingType = SharingType.Unconditional,
            UpdateCycle = UpdateCycle.Realtime,
            Fields =
            {
                new FieldSpec { Name = "insured_status", Label = "参保状态", Kind = FieldKind.String, Level = DataLevel.L1Public, Mask = MaskRule.None },
                new FieldSpec { Name = "name", Label = "姓名", Kind = FieldKind.String, Level = DataLevel.L2Internal, Mask = MaskRule.Name },
                new FieldSpec { Name = "phone", Label = "电话", Kind = FieldKind.String, Level = DataLevel.L3Sensitive, Mask = MaskRule.Phone },
            },
        }, Key(catalogueKey));
        await new Hub.Exchange.V1.DataExchangeService.DataExchangeServiceClient(Channel).RequestGrantAsync(new Hub.Exchange.V1.RequestGrantRequest
        {
            RequestId = "load-grant",
            ResourceCode = ResourceCode + "-" + _run,
            Fields = { "insured_status", "name", "phone" },
            Purpose = "压测共享查询",
        }, Key(ConsumerKey));

        // Seeded through ImportLicenses (归集), as a city loads its history: minutes for a million, not an hour.
        var started = System.Diagnostics.Stopwatch.StartNew();
        var lastReport = 0L;
        var (_, identifiers) = await ImportLoad.StreamAsync(
            new LicenseService.LicenseServiceClient(Channel),
            Key(IssuerKey),
            $"SEED-{_run}",
            0,
            licenses,
            done =>
            {
                if (done - lastReport >= 50_000)
                {
                    lastReport = done;
                    progress.WriteLine($"seeded {done} licenses ({done / started.Elapsed.TotalSeconds:0}/s)");
                }
            });
        Seeded.AddRange(identifiers.OrderBy(p => p.Key).Select(p => (p.Value, CitizenId((int)p.Key))));
        await progress.WriteLineAsync($"seeded {licenses} licenses through ImportLicenses in {started.Elapsed.TotalSeconds:0} s");
    }
}
