using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
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
        var settings = new Dictionary<string, string?> { ["Hub:Secrets:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        await using var scenario = await LicenseScenario.CreateAsync(new HubFactory(postgres, settings));
        var license = await scenario.IssueAsync("METRICS-0001");
        var (grpcPort, metricsPort) = (LoopbackPorts.Choose(0), LoopbackPorts.Choose(0));
        await using var listening = new HubFactory(scenario.Hub.ConnectionString, new Dictionary<string, string?>(settings)
        {
            ["Hub:Endpoints:GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture),
            ["Hub:Endpoints:TlsPort"] = "0",
            ["Hub:Telemetry:MetricsPort"] = metricsPort.ToString(CultureInfo.InvariantCulture),
            ["Hub:RateLimit:PermitsPerSecond"] = "1",
            ["Hub:RateLimit:Burst"] = "2",
        });
        listening.UseKestrel();
        listening.StartServer();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}", new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
            {
                metadata.Add("authorization", "Bearer " + scenario.VerifierKeys[DataLevel.L2Internal]);
                return Task.CompletedTask;
            })),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        var verification = new VerificationService.VerificationServiceClient(channel);
        var statuses = new List<StatusCode>();
        for (var i = 0; i < 5; i++)
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

        Assert.Contains(StatusCode.OK, statuses);
        Assert.Contains(StatusCode.ResourceExhausted, statuses);
        Assert.Equal(statuses.Count(s => s == StatusCode.OK), Sample(text, "hub_rpc_server_duration_seconds_count", "rpc_method=\"/hub.verification.v1.VerificationService/VerifyLicense\"", "rpc_grpc_status_code=\"OK\""));
        Assert.Equal(statuses.Count(s => s == StatusCode.ResourceExhausted), Sample(text, "hub_rpc_server_duration_seconds_count", "rpc_method=\"/hub.verification.v1.VerificationService/VerifyLicense\"", "rpc_grpc_status_code=\"RESOURCE_EXHAUSTED\""));
        Assert.Equal(statuses.Count(s => s == StatusCode.ResourceExhausted), Sample(text, "hub_limits_refusals", "reason=\"RATE_LIMITED\""));
        Assert.Contains("db_client_", text, StringComparison.Ordinal); // Npgsql's pool and command metrics
        Assert.True(Sample(text, "hub_audit_append_batch_size_count") >= 1, "no group commit recorded");
        Assert.True(Sample(text, "hub_cache_requests", "cache=\"license_content\"") >= statuses.Count(s => s == StatusCode.OK), "license cache lookups not counted");
        Assert.DoesNotContain(LicenseScenario.CitizenId, text, StringComparison.Ordinal);
        Assert.DoesNotContain("王小明", text, StringComparison.Ordinal);
        Assert.DoesNotContain("窗口核验", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
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
        Assert.Equal(ActivityKind.Client, fetch.Kind);
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
