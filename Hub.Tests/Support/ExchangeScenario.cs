using Hub.Audit.V1;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Benchmarks.Load;
using Hub.Exchange.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Support;

/// <summary>
/// A hub and a real provider system on loopback, with the parties of a data-sharing story registered through the
/// real API: the platform team (CATALOGUE), the providing bureau (PROVIDER), another bureau, and an auditor.
/// Consumers and resources are made per test, so tests never share a grant.
/// </summary>
public sealed class ExchangeScenario : IAsyncDisposable
{
    public const string PlatformOrg = "11610100MB0000000J";   // 行政审批服务局 (test code)
    public const string ProviderOrg = "11610100MB1000000Q";   // the providing bureau (test code)
    public const string OtherOrg = "11610100MB2000000Y";      // another bureau
    public const string ConsumerOrg = "91350100M000100Y43";   // the consuming department

    private ExchangeScenario(HubFactory hub, LoopbackProvider provider, MovableClock clock)
    {
        Hub = hub;
        Provider = provider;
        Clock = clock;
    }

    public HubFactory Hub { get; }

    public LoopbackProvider Provider { get; }

    public MovableClock Clock { get; }

    public string CatalogueKey { get; private set; } = string.Empty;

    public string ProviderKey { get; private set; } = string.Empty;

    public string OtherProviderKey { get; private set; } = string.Empty;

    public string AuditorKey { get; private set; } = string.Empty;

    public CatalogueService.CatalogueServiceClient Catalogue(string? key = null) => new(Hub.Channel(key ?? CatalogueKey));

    public DataExchangeService.DataExchangeServiceClient Exchange(string key) => new(Hub.Channel(key));

    public AuditService.AuditServiceClient Audit => new(Hub.Channel(AuditorKey));

    public static async Task<ExchangeScenario> CreateAsync(PostgresCluster postgres, IDictionary<string, string?>? settings = null)
    {
        var clock = new MovableClock();
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Hub:Exchange:AllowPlaintextProviders"] = "true",
        };
        all.TryAdd("Hub:Exchange:ProviderDeadlineMilliseconds", "1500");
        var hub = new HubFactory(postgres, all) { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(clock) };
        var scenario = new ExchangeScenario(hub, await LoopbackProvider.StartAsync(), clock);
        scenario.CatalogueKey = await scenario.RegisterCallerAsync(PlatformOrg, "catalogue", DataLevel.L1Public, Role.Catalogue);
        scenario.ProviderKey = await scenario.RegisterCallerAsync(ProviderOrg, "provider", DataLevel.L1Public, Role.Provider);
        scenario.OtherProviderKey = await scenario.RegisterCallerAsync(OtherOrg, "provider", DataLevel.L1Public, Role.Provider);
        scenario.AuditorKey = await scenario.RegisterCallerAsync(PlatformOrg, "auditor", DataLevel.L1Public, Role.Auditor);
        return scenario;
    }

    /// <summary>A new consumer system of the consuming department with this clearance; returns its key and caller id.</summary>
    public async Task<(string Key, string CallerId)> NewConsumerAsync(DataLevel clearance, params Role[] extraRoles)
    {
        var response = await Hub.RegisterCallerAsync(ConsumerOrg, "consumer", clearance, [.. extraRoles.Prepend(Role.Consumer)]);
        return (response.ApiKey, response.CallerId);
    }

    /// <summary>Registers a fresh 户籍-like resource of this sharing type served by <paramref name="endpoint"/> (default: the loopback provider).</summary>
    public async Task<string> NewResourceAsync(SharingType sharing, string? endpoint = null)
    {
        var request = ResourceRequest("TEST-HJ-" + Guid.NewGuid().ToString("N")[..10], sharing, endpoint ?? Provider.Endpoint);
        await Catalogue().RegisterDataResourceAsync(request);
        return request.ResourceCode;
    }

    public static RegisterDataResourceRequest ResourceRequest(string code, SharingType sharing, string endpoint) => new()
    {
        ResourceCode = code,
        Name = "户籍人口基本信息（测试）",
        ProviderOrgCode = ProviderOrg,
        ProviderEndpoint = endpoint,
        KeyKind = HolderIdType.CitizenId,
        SharingType = sharing,
        SharingCondition = sharing == SharingType.Conditional ? "用于社会救助资格审核，须经提供部门同意" : string.Empty,
        LegalBasis = sharing == SharingType.NotShared ? "《中华人民共和国个人信息保护法》第十三条" : string.Empty,
        UpdateCycle = UpdateCycle.Daily,
        Fields =
        {
            new FieldSpec { Name = "gender", Label = "性别", Kind = FieldKind.String, Level = DataLevel.L1Public, Mask = MaskRule.None },
            new FieldSpec { Name = "name", Label = "姓名", Kind = FieldKind.String, Level = DataLevel.L2Internal, Mask = MaskRule.Name },
            new FieldSpec { Name = "address", Label = "住址", Kind = FieldKind.String, Level = DataLevel.L3Sensitive, Mask = MaskRule.Address },
            new FieldSpec { Name = "phone", Label = "联系电话", Kind = FieldKind.String, Level = DataLevel.L3Sensitive, Mask = MaskRule.Phone },
            new FieldSpec { Name = "bank_card", Label = "社保卡银行账号", Kind = FieldKind.String, Level = DataLevel.L3Sensitive, Mask = MaskRule.BankCard },
            new FieldSpec { Name = "health_note", Label = "健康状况", Kind = FieldKind.String, Level = DataLevel.L4HighlySensitive, Mask = MaskRule.KeepEnds },
        },
    };

    /// <summary>A person the provider holds a record of; returns the key (their 公民身份号码).</summary>
    public string NewPerson()
    {
        var id = TestPeople.NewCitizenId();
        Provider.State.Records[id] = new Dictionary<string, string>
        {
            ["gender"] = "女",
            ["name"] = "欧阳娜娜",
            ["address"] = "陕西省西安市雁塔区科技路1号",
            ["phone"] = "13812345678",
            ["bank_card"] = "6222021234567890123",
            ["health_note"] = "慢性病长期用药",
            ["unlisted"] = "not a field of the resource",
        };
        return id;
    }

    public async Task<Grant> RequestGrantAsync(string consumerKey, string resourceCode, params string[] fields) =>
        (await Exchange(consumerKey).RequestGrantAsync(new RequestGrantRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ResourceCode = resourceCode,
            Fields = { fields },
            Purpose = "社会救助资格审核",
        })).Grant;

    public async Task<Grant> DecideAsync(string grantId, bool approve, string? key = null) =>
        (await Exchange(key ?? ProviderKey).DecideGrantAsync(new DecideGrantRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            GrantId = grantId,
            Approve = approve,
            Reason = approve ? string.Empty : "用途与共享条件不符",
        })).Grant;

    public async Task<QueryResponse> QueryAsync(string consumerKey, string resourceCode, string key, params string[] fields) =>
        await Exchange(consumerKey).QueryAsync(new QueryRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ResourceCode = resourceCode,
            Key = key,
            Fields = { fields },
            Purpose = "最低生活保障资格审核",
            CaseNumber = "CASE-" + Guid.NewGuid().ToString("N")[..8],
        });

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
        await Provider.DisposeAsync();
    }

    private async Task<string> RegisterCallerAsync(string org, string system, DataLevel clearance, Role role) =>
        (await Hub.RegisterCallerAsync(org, system, clearance, role)).ApiKey;
}

/// <summary>One <see cref="ExchangeScenario"/> shared by the tests of a class.</summary>
public sealed class ExchangeScenarioFixture(PostgresCluster postgres) : IAsyncLifetime
{
    public PostgresCluster Postgres => postgres;

    public ExchangeScenario Scenario { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Scenario = await ExchangeScenario.CreateAsync(postgres);

    public async ValueTask DisposeAsync() => await Scenario.DisposeAsync();
}
