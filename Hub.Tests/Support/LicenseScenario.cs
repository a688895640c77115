using Grpc.Core;
using Hub.Admin.V1;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Licenses.V1;
using Hub.Signing.Assertions;
using Hub.Signing.Sm2;
using Hub.Verification.V1;
using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Support;

/// <summary>
/// A hub with the parties of a license story registered through the real API: a catalogue team, two issuing
/// organisations, verifiers of each clearance and the portal, and a person license type with fields at every level.
/// </summary>
public sealed class LicenseScenario : IAsyncDisposable
{
    public const string IssuerOrg = "11610100MB1000000Q";       // 西安市市场监督管理局 (test code)
    public const string OtherIssuerOrg = "11610100MB2000000Y";  // another bureau
    public const string TypeCode = "11610100MB0000000J001";
    public const string CitizenId = "610102199001011231";
    public const string OtherCitizenId = "11010519491231002X";

    private LicenseScenario(HubFactory hub) => Hub = hub;

    public HubFactory Hub { get; }

    public string CatalogueKey { get; private set; } = string.Empty;

    public string IssuerKey { get; private set; } = string.Empty;

    public string OtherIssuerKey { get; private set; } = string.Empty;

    public string PortalKey { get; private set; } = string.Empty;

    /// <summary>The portal's caller_id and the SM2 key its holder assertions are signed with (registered with it).</summary>
    public Guid PortalId { get; private set; }

    public Sm2KeyPair PortalAssertionKey { get; } = Sm2KeyPair.Generate();

    public string AuditorKey { get; private set; } = string.Empty;

    public Dictionary<DataLevel, string> VerifierKeys { get; } = [];

    public LicenseService.LicenseServiceClient Licenses(string key) => new(Hub.Channel(key));

    public VerificationService.VerificationServiceClient Verification(string key) => new(Hub.Channel(key));

    public CatalogueService.CatalogueServiceClient Catalogue(string key) => new(Hub.Channel(key));

    public AdminService.AdminServiceClient Admin => new(Hub.Channel(HubFactory.AdminApiKey));

    /// <summary>A channel of the portal acting for one holder: its API key and a fresh holder assertion naming them.</summary>
    public Grpc.Net.Client.GrpcChannel PortalFor(string idNumber, HolderIdType idType = HolderIdType.CitizenId) =>
        Hub.Channel(PortalKey, new Dictionary<string, string>
        {
            [PortalActingFor.AssertionHeader] = HolderAssertionToken.Create(
                PortalAssertionKey, PortalId, ProtoName(idType), idNumber, Hub.Services.GetRequiredService<TimeProvider>().GetUtcNow(), TimeSpan.FromMinutes(5)),
        });

    public static async Task<LicenseScenario> CreateAsync(HubFactory hub)
    {
        var scenario = new LicenseScenario(hub);
        scenario.CatalogueKey = await scenario.RegisterAsync("11610100MB0000000J", "catalogue", DataLevel.L1Public, Role.Catalogue);
        scenario.IssuerKey = await scenario.RegisterAsync(IssuerOrg, "issuer", DataLevel.L1Public, Role.Issuer);
        scenario.OtherIssuerKey = await scenario.RegisterAsync(OtherIssuerOrg, "issuer", DataLevel.L1Public, Role.Issuer);
        var portal = await new AdminService.AdminServiceClient(hub.Channel(HubFactory.AdminApiKey)).RegisterCallerAsync(new RegisterCallerRequest
        {
            OrgCode = "11610100MB0000000J",
            OrgName = "西安市民网上办事大厅",
            SystemName = "portal-" + Guid.NewGuid().ToString("N")[..8],
            Roles = { Role.Portal },
            Clearance = DataLevel.L1Public,
            AssertionPublicKeyPem = scenario.PortalAssertionKey.PublicKey.Pem,
        });
        (scenario.PortalKey, scenario.PortalId) = (portal.ApiKey, Guid.Parse(portal.CallerId));
        scenario.AuditorKey = await scenario.RegisterAsync("11610100MB0000000J", "auditor", DataLevel.L1Public, Role.Auditor);
        foreach (var level in (DataLevel[])[DataLevel.L1Public, DataLevel.L2Internal, DataLevel.L3Sensitive, DataLevel.L4HighlySensitive])
        {
            scenario.VerifierKeys[level] = await scenario.RegisterAsync("91350100M000100Y43", $"verifier-{level}", level, Role.Verifier);
        }

        await scenario.Catalogue(scenario.CatalogueKey).RegisterLicenseTypeAsync(LicenseTypeRequest());
        return scenario;
    }

    public static RegisterLicenseTypeRequest LicenseTypeRequest() => new()
    {
        TypeCode = TypeCode,
        Name = "测试资格证书",
        DefiningOrgCode = "11610100MB0000000J",
        IssuerOrgCodes = { IssuerOrg, OtherIssuerOrg },
        HolderKind = HolderKind.Person,
        SharingType = SharingType.Unconditional,
        Fields =
        {
            new FieldSpec { Name = "category", Label = "类别", Kind = FieldKind.String, Required = true, Level = DataLevel.L1Public, Mask = MaskRule.None },
            new FieldSpec { Name = "issued_on", Label = "发证日期", Kind = FieldKind.Date, Required = true, Level = DataLevel.L1Public, Mask = MaskRule.None },
            new FieldSpec { Name = "employer", Label = "工作单位", Kind = FieldKind.String, Level = DataLevel.L2Internal, Mask = MaskRule.KeepEnds },
            new FieldSpec { Name = "address", Label = "住址", Kind = FieldKind.String, Level = DataLevel.L3Sensitive, Mask = MaskRule.Address },
            new FieldSpec { Name = "phone", Label = "电话", Kind = FieldKind.String, Level = DataLevel.L3Sensitive, Mask = MaskRule.Phone },
            new FieldSpec { Name = "health_note", Label = "健康说明", Kind = FieldKind.String, Level = DataLevel.L4HighlySensitive, Mask = MaskRule.KeepEnds },
        },
    };

    public static IssueLicenseRequest IssueRequest(string number, string idNumber = CitizenId, Google.Type.Date? validUntil = null) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        TypeCode = TypeCode,
        LicenseNumber = number,
        Holder = new Holder { Name = "王小明", IdType = HolderIdType.CitizenId, IdNumber = idNumber },
        ValidFrom = new Google.Type.Date { Year = 2024, Month = 1, Day = 1 },
        ValidUntil = validUntil ?? new Google.Type.Date { Year = 2099, Month = 12, Day = 31 },
        Face =
        {
            ["category"] = "A类",
            ["issued_on"] = "2024-01-01",
            ["employer"] = "西安某某科技有限公司",
            ["address"] = "陕西省西安市雁塔区科技路1号",
            ["phone"] = "13812345678",
            ["health_note"] = "无",
        },
    };

    /// <summary>Streams records to ImportLicenses (归集) in batches of <paramref name="batchSize"/>; returns every batch's answer.</summary>
    public async Task<List<ImportLicensesResponse>> ImportAsync(string key, IReadOnlyList<ImportRecord> records, int batchSize = 100)
    {
        using var call = Licenses(key).ImportLicenses(cancellationToken: TestContext.Current.CancellationToken);
        var reading = Task.Run(async () =>
        {
            var answers = new List<ImportLicensesResponse>();
            await foreach (var answer in call.ResponseStream.ReadAllAsync(TestContext.Current.CancellationToken))
            {
                answers.Add(answer);
            }

            return answers;
        });
        foreach (var chunk in records.Chunk(batchSize))
        {
            await call.RequestStream.WriteAsync(new ImportLicensesRequest { BatchId = Guid.NewGuid().ToString(), Records = { chunk } }, TestContext.Current.CancellationToken);
        }

        await call.RequestStream.CompleteAsync();
        return await reading;
    }

    public async Task<License> IssueAsync(string number, string idNumber = CitizenId, Google.Type.Date? validUntil = null) =>
        (await Licenses(IssuerKey).IssueLicenseAsync(IssueRequest(number, idNumber, validUntil))).License;

    /// <summary>A window verifying a license for a case (so the holder's identity may be disclosed, by clearance).</summary>
    public async Task<VerifyLicenseResponse> VerifyAsync(string identifier, DataLevel clearance = DataLevel.L2Internal) =>
        await Verification(VerifierKeys[clearance]).VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = identifier, Purpose = "窗口受理核验", CaseNumber = CaseNumber });

    public const string CaseNumber = "XA-2026-000123";

    /// <summary>An amendment of the test type: the same face with another category.</summary>
    public static AmendLicenseRequest AmendRequest(string identifier, string category, string reason = "类别变更")
    {
        var face = IssueRequest("unused").Face;
        face["category"] = category;
        return new AmendLicenseRequest { RequestId = Guid.NewGuid().ToString(), Identifier = identifier, Face = { face }, Reason = reason };
    }

    public async Task<License> ChangeStatusAsync(string identifier, LicenseStatus status, string? key = null) =>
        (await Licenses(key ?? IssuerKey).ChangeLicenseStatusAsync(new ChangeLicenseStatusRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            Identifier = identifier,
            Status = status,
            Reason = "测试",
        })).License;

    /// <summary>An id type as the wire spells it (HOLDER_ID_TYPE_CITIZEN_ID), as assertions name it.</summary>
    public static string ProtoName(HolderIdType idType) =>
        CommonReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>(nameof(HolderIdType))!.FindValueByNumber((int)idType).Name;

    public async ValueTask DisposeAsync()
    {
        await Hub.DisposeAsync();
    }

    private async Task<string> RegisterAsync(string org, string system, DataLevel clearance, Role role) =>
        (await Hub.RegisterCallerAsync(org, system, clearance, role)).ApiKey;
}
