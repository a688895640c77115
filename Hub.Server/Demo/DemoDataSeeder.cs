using System.Globalization;
using System.Text.Json;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Exchange.V1;
using Hub.Licenses.V1;
using Hub.Server.Callers;
using Hub.Server.Catalogue;
using Hub.Server.Exchange;
using Hub.Server.Infrastructure.Embedded;
using Hub.Server.Infrastructure.Hosting;
using Hub.Server.Infrastructure.Postgres;
using Hub.Server.Licenses;
using Hub.Signing.Sm2;
using Microsoft.Extensions.Options;

namespace Hub.Server.Demo;

/// <summary>
/// On the embedded default's first start: registers the demo organisations' callers (keys in <c>.hub/demo-keys/</c>),
/// the demo license types, and a few hundred licenses issued through the real issue path, and records a sample
/// license in <c>.hub/demo.json</c> for the printed sample call. Never runs against a configured database.
/// </summary>
internal sealed class DemoDataSeeder(
    HubDatabase database,
    ICallerStore callers,
    CallerAuthenticator authenticator,
    ILicenseTypeStore types,
    IMatterStore matters,
    IDataResourceStore resources,
    GrantDesk grants,
    IOptions<ExchangeOptions> exchange,
    DemoProviderHost provider,
    LicenseIssuer issuer,
    IOptions<DemoOptions> options,
    IOptions<HubOptions> hub,
    ILogger<DemoDataSeeder> logger) : IHostedService
{
    public const string SampleFile = "demo.json";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (database.Embedded is null || !options.Value.Enabled
            || await types.FindAsync(DemoCatalogue.BusinessLicense, cancellationToken) is not null)
        {
            return;
        }

        var keyFolder = Path.Combine(hub.Value.StatePath, "demo-keys");
        Directory.CreateDirectory(keyFolder);
        var registered = new Dictionary<string, Caller>();
        foreach (var (key, org, orgName, system, role, clearance) in DemoCatalogue.Callers)
        {
            var apiKey = ApiKeys.Generate();
            var assertionKey = role == Role.Portal ? PortalAssertionKey(keyFolder, key) : null;
            var record = await callers.RegisterAsync(
                new NewCaller(org, orgName, system, new HashSet<Role> { role }, clearance, [], assertionKey), ApiKeys.Hash(apiKey), null, cancellationToken);
            registered[key] = record.OrFail().Caller;
            PrivateFiles.Write(Path.Combine(keyFolder, key), apiKey + "\n");
        }

        await authenticator.CallerChangedAsync(cancellationToken);

        foreach (var type in DemoCatalogue.LicenseTypes)
        {
            (await types.RegisterAsync(LicenseTypeRegistration.Parse(type).OrFail(), registered["catalogue"].Id, cancellationToken)).OrFail();
        }

        foreach (var matter in DemoCatalogue.Matters)
        {
            var normalized = (await MatterRegistration.ParseAsync(matter, code => types.FindAsync(code, cancellationToken))).OrFail();
            (await matters.RegisterAsync(normalized, registered["catalogue"].Id, cancellationToken)).OrFail();
        }

        await SeedExchangeAsync(registered, cancellationToken);
        var people = new DemoPeople(seed: 2026);
        var issued = new List<License>();
        for (var i = 0; i < options.Value.Holders; i++)
        {
            issued.AddRange(await IssueEnterpriseAsync(people, registered["issuer-market"], i, cancellationToken));
            issued.AddRange(await IssuePersonAsync(people, registered, i, cancellationToken));
        }

        // A little variety for verification: one suspended and one revoked business license.
        var business = issued.Where(l => l.TypeCode == DemoCatalogue.BusinessLicense).ToList();
        await SetStatusAsync(registered["issuer-market"], business[1], LicenseStatus.Suspended, "经营异常，暂扣执照", cancellationToken);
        await SetStatusAsync(registered["issuer-market"], business[2], LicenseStatus.Revoked, "违法经营，吊销执照", cancellationToken);

        var sample = business[0];
        var marriage = issued.First(l => l.TypeCode == DemoCatalogue.MarriageCertificate);
        await File.WriteAllTextAsync(Path.Combine(hub.Value.StatePath, SampleFile), JsonSerializer.Serialize(new DemoSample(
            sample.Identifier, business[1].Identifier, marriage.Holder.IdNumber, sample.Holder.IdNumber)), cancellationToken);
        logger.DemoDataSeeded(issued.Count);
    }

    /// <summary>
    /// The demo portal's SM2 key for its holder assertions: the private half beside its API key
    /// (<c>demo-keys/portal-assertion-key.pem</c>, for <c>hubctl portal assert</c>), the public half registered.
    /// </summary>
    private static byte[] PortalAssertionKey(string keyFolder, string key)
    {
        var pair = Sm2KeyPair.Generate();
        PrivateFiles.Write(Path.Combine(keyFolder, key + "-assertion-key.pem"), System.Security.Cryptography.PemEncoding.WriteString("PRIVATE KEY", pair.ExportPkcs8()) + "\n");
        return pair.PublicKey.SubjectPublicKeyInfo;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The demo provider's resource, and the housing centre's grant on it, approved by the provider.</summary>
    private async Task SeedExchangeAsync(Dictionary<string, Caller> registered, CancellationToken cancellationToken)
    {
        var endpoint = provider.Endpoint.Length > 0 ? provider.Endpoint : $"http://127.0.0.1:{options.Value.ProviderPort}";
        var resource = DataResourceRegistration.Parse(DemoCatalogue.SocialInsurance(endpoint), allowPlaintext: true).OrFail();
        (await resources.RegisterAsync(resource, registered["catalogue"].Id, cancellationToken)).OrFail();
        var grant = (await grants.RequestAsync(registered["consumer-housing"], (await RequestGrantCommand.ParseAsync(new RequestGrantRequest
        {
            RequestId = "demo:grant:housing",
            ResourceCode = DemoCatalogue.SocialInsuranceResource,
            Fields = { "name", "insured_status", "insured_since", "employer", "monthly_base" },
            Purpose = "公共租赁住房申请资格审核（核验社会保险参保情况）",
            MatterCodes = { DemoCatalogue.PublicHousingMatter },
        }, exchange.Value, resources, matters, cancellationToken)).OrFail(), cancellationToken)).OrFail().Grant;
        (await grants.DecideAsync(registered["provider-hrss"], DecideGrantCommand.Parse(new DecideGrantRequest
        {
            RequestId = "demo:decide:housing",
            GrantId = grant.GrantId,
            Approve = true,
            Reason = "符合共享条件：用于公租房资格审核",
        }).OrFail(), cancellationToken)).OrFail();
    }

    private async Task<IEnumerable<License>> IssueEnterpriseAsync(DemoPeople people, Caller market, int index, CancellationToken cancellationToken)
    {
        var uscc = people.Uscc();
        var name = people.EnterpriseName();
        var address = people.Address();
        var established = people.DateBetween(new DateOnly(2005, 1, 1), new DateOnly(2025, 12, 31));
        var result = new List<License>
        {
            await IssueAsync(market, DemoCatalogue.BusinessLicense, uscc, new Holder { Name = name, IdType = HolderIdType.Uscc, IdNumber = uscc }, established, null, new()
            {
                ["enterprise_name"] = name,
                ["enterprise_type"] = "有限责任公司(自然人投资或控股)",
                ["legal_representative"] = people.PersonName(),
                ["registered_capital"] = people.Number(10, 5000).ToString(CultureInfo.InvariantCulture),
                ["established_on"] = established.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["address"] = address,
                ["business_scope"] = "一般项目：技术服务、技术开发；食品销售（仅销售预包装食品）",
            }, cancellationToken),
        };
        if (index % 2 == 0)
        {
            var from = people.DateBetween(new DateOnly(2022, 1, 1), new DateOnly(2025, 6, 30));
            result.Add(await IssueAsync(market, DemoCatalogue.FoodLicense, $"JY161010{index:00000000}", new Holder { Name = name, IdType = HolderIdType.Uscc, IdNumber = uscc }, from, from.AddYears(5).AddDays(-1), new()
            {
                ["operator_name"] = name,
                ["business_items"] = "预包装食品销售（含冷藏冷冻食品）；热食类食品制售",
                ["premises"] = address,
                ["person_in_charge"] = people.PersonName(),
            }, cancellationToken));
        }

        return result;
    }

    private async Task<IEnumerable<License>> IssuePersonAsync(DemoPeople people, Dictionary<string, Caller> registered, int index, CancellationToken cancellationToken)
    {
        var holder = new Holder { Name = people.PersonName(), IdType = HolderIdType.CitizenId, IdNumber = people.CitizenId() };
        var result = new List<License>();
        if (index % 5 != 4)
        {
            var on = people.DateBetween(new DateOnly(1995, 1, 1), new DateOnly(2025, 12, 31));
            result.Add(await IssueAsync(registered["issuer-civil"], DemoCatalogue.MarriageCertificate, $"J610100-{on.Year}-{index:000000}", holder, on, null, new()
            {
                ["spouse_name"] = people.PersonName(),
                ["spouse_id_number"] = people.CitizenId(),
                ["registered_on"] = on.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["registry"] = "西安市" + people.Pick(["新城区", "碑林区", "雁塔区", "未央区"]) + "民政局",
            }, cancellationToken));
        }

        if (index % 5 != 0)
        {
            var on = people.DateBetween(new DateOnly(2010, 1, 1), new DateOnly(2025, 12, 31));
            result.Add(await IssueAsync(registered["issuer-realestate"], DemoCatalogue.RealEstateCertificate, $"陕({on.Year})西安市不动产权第{index:0000000}号", holder, on, null, new()
            {
                ["property_address"] = people.Address() + people.Number(1, 30) + "栋" + people.Number(1, 3000) + "室",
                ["area"] = (people.Number(4000, 18000) / 100m).ToString("0.00", CultureInfo.InvariantCulture),
                ["usage"] = "城镇住宅用地/住宅",
                ["right_type"] = "国有建设用地使用权/房屋所有权",
            }, cancellationToken));
        }

        return result;
    }

    private async Task<License> IssueAsync(Caller caller, string type, string number, Holder holder, DateOnly from, DateOnly? until, Dictionary<string, string> face, CancellationToken cancellationToken)
    {
        var request = new IssueLicenseRequest
        {
            RequestId = $"demo:{type}:{number}",
            TypeCode = type,
            LicenseNumber = number,
            Holder = holder,
            ValidFrom = Hub.Core.Time.ChinaCalendar.ToDate(from),
            Face = { face },
        };
        if (until is { } end)
        {
            request.ValidUntil = Hub.Core.Time.ChinaCalendar.ToDate(end);
        }

        return (await issuer.IssueAsync(caller, IssueLicenseCommand.Parse(request).OrFail(), cancellationToken)).OrFail().License;
    }

    private async Task SetStatusAsync(Caller caller, License license, LicenseStatus status, string reason, CancellationToken cancellationToken) =>
        (await issuer.ChangeStatusAsync(caller, ChangeLicenseStatusCommand.Parse(new ChangeLicenseStatusRequest
        {
            RequestId = $"demo:status:{license.Identifier}",
            Identifier = license.Identifier,
            Status = status,
            Reason = reason,
        }).OrFail(), cancellationToken)).OrFail();
}

/// <summary>What the welcome banner's sample calls use.</summary>
internal sealed record DemoSample(string ValidIdentifier, string SuspendedIdentifier, string HolderCitizenId, string EnterpriseUscc);
