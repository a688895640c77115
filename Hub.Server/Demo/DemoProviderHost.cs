using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Hub.Provider.V1;
using Hub.Server.Infrastructure.Postgres;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Hub.Server.Demo;

/// <summary>
/// On the embedded default: a stand-in for the 人社局 system that provides the demo's 社会保险参保信息, served on its
/// own loopback port (<c>Hub:Demo:ProviderPort</c>) exactly as a departmental system would, so brokered queries can
/// be tried with nothing else running. Its records are made up from the key: every valid 公民身份号码 has one.
/// </summary>
internal sealed class DemoProviderHost(HubDatabase database, IOptions<DemoOptions> options, ILogger<DemoProviderHost> logger) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;

    /// <summary>Where it listens (http://127.0.0.1:port), once started; empty when it is not running.</summary>
    public string Endpoint { get; private set; } = string.Empty;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (database.Embedded is null || !options.Value.Enabled)
        {
            return;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, options.Value.ProviderPort, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<DemoSocialInsuranceProvider>();
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            logger.DemoProviderNotStarted(options.Value.ProviderPort, e);
            await app.DisposeAsync();
            return;
        }

        _app = app;
        Endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null)
        {
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Made-up but stable records: the same key always gives the same person.</summary>
    private sealed class DemoSocialInsuranceProvider : DataProvider.DataProviderBase
    {
        public override Task<FetchResponse> Fetch(FetchRequest request, ServerCallContext context)
        {
            var seed = BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(request.Key)));
            var people = new DemoPeople(seed);
            var since = people.DateBetween(new DateOnly(2000, 1, 1), new DateOnly(2024, 12, 31));
            var record = new Dictionary<string, string>
            {
                ["name"] = people.PersonName(),
                ["insured_status"] = people.Pick(["正常参保", "正常参保", "正常参保", "暂停缴费"]),
                ["insured_since"] = since.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                ["employer"] = people.EnterpriseName(),
                ["monthly_base"] = people.Number(4000, 20000).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["bank_card"] = "6217" + people.Number(10000000, 99999999).ToString(System.Globalization.CultureInfo.InvariantCulture) + people.Number(1000000, 9999999).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["special_disease"] = people.Pick(["无", "无", "无", "慢性肾功能衰竭（门诊透析）"]),
            };
            var response = new FetchResponse { Found = true };
            response.Record.Add(record.Where(f => request.Fields.Count == 0 || request.Fields.Contains(f.Key)).ToDictionary());
            return Task.FromResult(response);
        }
    }
}
