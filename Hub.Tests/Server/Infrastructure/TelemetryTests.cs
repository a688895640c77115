using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Grpc.Core;
using Hub.Common.V1;
using Hub.Server.Infrastructure.Embedded;
using Hub.Tests.Support;
using Hub.Verification.V1;

namespace Hub.Tests.Server.Infrastructure;

/// <summary>
/// What an operator's Prometheus and trace collector see: real values on the metrics port after real calls, refusals
/// by reason, no personal data, nothing but /metrics on that port; and a brokered query's provider call as a child
/// span of the request.
/// </summary>
public sealed partial class TelemetryTests(PostgresCluster postgres)
{
    [Fact]
    public async Task The_metrics_port_shows_calls_by_method_and_status_and_refusals_by_reason_without_personal_data()
    {
        var ct = TestContext.Current.CancellationToken;
        var metricsPort = LoopbackPorts.Choose(0);
        // The hub as its own process: its metrics are its own, not those of the other hubs this test run hosts.
        await using var hub = new HubProcess(postgres.CreateDatabase(), new Dictionary<string, string>
        {
            ["Hub__Telemetry__MetricsPort"] = metricsPort.ToString(CultureInfo.InvariantCulture),
            ["Hub__RateLimit__PermitsPerSecond"] = "1",
            ["Hub__RateLimit__Burst"] = "5", // the set-up fits in it; the verifier then runs past it
        });
        await hub.StartAsync();
        var grpcPort = hub.Port;
        var (issuerKey, _) = await Hub.Tests.Reliability.KillHubUnderWriteLoadTests.SetUpAsync(hub);
        var verifierKey = (await new Hub.Admin.V1.AdminService.AdminServiceClient(hub.Channel(HubFactory.AdminApiKey)).RegisterCallerAsync(new Hub.Admin.V1.RegisterCallerRequest
        {
            OrgCode = "11610100MB6Y00005L", OrgName = "西安市政务服务中心", SystemName = "metrics-window", Roles = { Role.Verifier }, Clearance = DataLevel.L2Internal,
        }, cancellationToken: ct)).ApiKey;
        using var issuerChannel = hub.Channel(issuerKey);
        var license = (await new Hub.Licenses.V1.LicenseService.LicenseServiceClient(issuerChannel).IssueLicenseAsync(LicenseScenario.IssueRequest("METRICS-0001"), cancellationToken: ct)).License;
        using var channel = hub.Channel(verifierKey);
        var verification = new VerificationService.VerificationServiceClient(channel);
        var statuses = new List<StatusCode>();
        for (var i = 0; i < 9; i++)
        {
            try
            {
                await verification.VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = license.Identifier, Purpose = "窗口核验", CaseNumber = "METRICS-CASE" }, cancellationToken: ct);
                statuses.Add(StatusCode.OK);
            }
            catch (RpcException e)
            {
                statuses.Add(e.StatusCode);
            }
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var text = await http.GetStringAsync("/metrics", ct);
        using var elsewhere = await http.GetAsync("/v1/signing-keys", ct);
        // ... and /metrics is not served on the hub's own port, whatever Host header a client sends.
        using var onGrpcPort = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{grpcPort}/metrics") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        onGrpcPort.Headers.Host = $"127.0.0.1:{metricsPort}";
        using var leaked = await http.SendAsync(onGrpcPort, ct);
        var leakedBody = await leaked.Content.ReadAsStringAsync(ct);

        Assert.Contains(StatusCode.OK, statuses);
        Assert.Contains(StatusCode.ResourceExhausted, statuses);
        Assert.Equal(statuses.Count(s => s == StatusCode.OK), Sample(text, "hub_rpc_server_duration_seconds_count", "rpc_method=\"/hub.verification.v1.VerificationService/VerifyLicense\"", "rpc_grpc_status_code=\"OK\""));
        Assert.Equal(statuses.Count(s => s == StatusCode.ResourceExhausted), Sample(text, "hub_rpc_server_duration_seconds_count", "rpc_method=\"/hub.verification.v1.VerificationService/VerifyLicense\"", "rpc_grpc_status_code=\"RESOURCE_EXHAUSTED\""));
        Assert.Equal(statuses.Count(s => s == StatusCode.ResourceExhausted), Sample(text, "hub_limits_refusals", "reason=\"RATE_LIMITED\""));
        Assert.Contains("db_client_", text, StringComparison.Ordinal); // Npgsql's pool and command metrics
        Assert.True(Sample(text, "hub_audit_append_batch_size_count") >= 1, "no group commit recorded");
        Assert.True(Sample(text, "hub_cache_requests", "cache=\"license_content\"") >= statuses.Count(s => s == StatusCode.OK), "license cache lookups not counted");
        Assert.DoesNotContain(license.Holder.IdNumber, text, StringComparison.Ordinal);
        Assert.DoesNotContain(license.Holder.Name, text, StringComparison.Ordinal);
        Assert.DoesNotContain("窗口核验", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.DoesNotContain("hub_rpc_server_duration", leakedBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_brokered_query_traces_the_provider_call_as_a_child_of_the_request()
    {
        var finished = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Hub" or "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = finished.Add,
        };
        ActivitySource.AddActivityListener(listener);
        // Tracing as an operator turns it on: a collector configured (nobody listens there; export failures are dropped).
        await using var s = await ExchangeScenario.CreateAsync(postgres, new Dictionary<string, string?>
        {
            ["Hub:Telemetry:OtlpEndpoint"] = $"http://127.0.0.1:{LoopbackPorts.Choose(0)}",
        });
        var resource = await s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await s.NewConsumerAsync(DataLevel.L2Internal);
        await s.RequestGrantAsync(consumer, resource, "gender", "name");

        await s.QueryAsync(consumer, resource, s.NewPerson());

        var fetch = Assert.Single(finished, a => a.OperationName == "provider.Fetch" && (string?)a.GetTagItem("hub.resource") == resource);
        var request = Ancestors(fetch).FirstOrDefault(a => a.Source.Name == "Microsoft.AspNetCore");
        Assert.NotNull(request);
        Assert.Contains("DataExchangeService/Query", request.DisplayName + " " + request.GetTagItem("url.path") + " " + request.GetTagItem("http.route"), StringComparison.Ordinal);
        Assert.Contains(finished, a => a.Source.Name == "System.Net.Http" && Ancestors(a).Contains(fetch)); // the call to the provider itself
        // ... and the provider's side of it, in the same trace (the trace context travels with the call).
        Assert.Contains(finished, a => a.DisplayName.Contains("DataProvider/Fetch", StringComparison.Ordinal) && a.Source.Name == "Microsoft.AspNetCore" && a.TraceId == fetch.TraceId);
        Assert.Equal("found", fetch.GetTagItem("hub.outcome"));
        Assert.Equal(ActivityKind.Internal, fetch.Kind);
    }

    private static IEnumerable<Activity> Ancestors(Activity activity)
    {
        for (var a = activity.Parent; a is not null; a = a.Parent)
        {
            yield return a;
        }
    }

    /// <summary>The value of the one Prometheus sample of <paramref name="metric"/> whose labels include all of <paramref name="labels"/>.</summary>
    private static long Sample(string exposition, string metric, params string[] labels)
    {
        var values = exposition.Split('\n')
            .Where(l => l.StartsWith(metric, StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .Select(l => SampleValue().Match(l))
            .Where(m => m.Success)
            .Select(m => (long)double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .ToList();
        return values.Count == 0 ? 0 : values.Sum();
    }

    [GeneratedRegex(@"\}\s+([0-9.eE+-]+)(\s+\d+)?\s*$")]
    private static partial Regex SampleValue();
}
