using Hub.Benchmarks.Load;
using Hub.Tests.Support;

namespace Hub.Tests.Benchmarks;

/// <summary>
/// A short run of every load scenario, so the harness never rots. It asserts that each scenario ran without errors
/// and produced a measurement — never how fast (timings on a shared machine prove nothing in a test).
/// </summary>
public sealed class LoadHarnessSmokeTests(PostgresCluster postgres)
{
    [Fact]
    public async Task EveryScenario_RunsAgainstARealHub_WithoutErrors()
    {
        var options = new LoadOptions { DurationSeconds = 1, WarmupSeconds = 1, Concurrency = 4, Licenses = 40, ImportRows = 1500, ConnectionString = postgres.CreateDatabase() };
        await using var hub = await HubUnderLoad.StartAsync(options, TextWriter.Null);

        var results = await LoadHarness.RunScenariosAsync(hub, options);

        Assert.Equal(
            [.. LoadOptions.Scenarios.Take(7), "copy-ceiling", "verify-during-import",
             "issue + subscriber (writes)", "issue + subscriber (event delivery)", "import + subscriber (writes)", "import + subscriber (event delivery)"],
            results.Select(r => r.Scenario));
        Assert.Equal(40, hub.Seeded.Count);
        Assert.All(results, r =>
        {
            Assert.Equal(0, r.Errors);
            Assert.True(r.Requests > 0, r.Scenario);
        });
        Assert.All(results.Skip(1), r => Assert.False(double.IsNaN(r.RatioToBaseline)));
    }

    [Fact]
    public async Task BothClients_MeasureTheBaselineAndVerify_H2loadSuccessesCountedInTheAccessLog()
    {
        var options = new LoadOptions
        {
            DurationSeconds = 1, WarmupSeconds = 1, Concurrency = 8, Licenses = 10, ConnectionString = postgres.CreateDatabase(),
            Scenario = "verify,check-matter", Clients = [LoadOptions.CSharpClient, LoadOptions.H2LoadClient],
        };
        await using var hub = await HubUnderLoad.StartAsync(options, TextWriter.Null);

        var results = await LoadHarness.RunScenariosAsync(hub, options);

        // h2load cannot drive check-matter (one body for every request, and CheckMatter needs a fresh request id).
        Assert.Equal(["keys", "keys (h2load)", "verify", "verify (h2load)", "check-matter"], results.Select(r => r.Scenario));
        Assert.All(results, r =>
        {
            Assert.Equal(0, r.Errors);
            Assert.True(r.Requests > 0, r.Scenario);
            Assert.False(double.IsNaN(r.P99Ms), r.Scenario);
        });
        var baseline = results.Single(r => r.Scenario == "keys (h2load)").RequestsPerSecond;
        var verify = results.Single(r => r.Scenario == "verify (h2load)");
        Assert.Equal(verify.RequestsPerSecond / baseline, verify.RatioToBaseline, 6);
    }

    [Fact]
    public async Task SplitCpus_RunsTheCSharpClientInAProcessOfItsOwn_AndMeasuresTheHubsAllocationPerCall()
    {
        var options = new LoadOptions
        {
            DurationSeconds = 1, WarmupSeconds = 1, Concurrency = 8, Licenses = 10, ConnectionString = postgres.CreateDatabase(),
            Scenario = "verify,query", Clients = [LoadOptions.CSharpClient, LoadOptions.H2LoadClient], SplitCpus = true,
        };
        await using var hub = await HubUnderLoad.StartAsync(options, TextWriter.Null);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var results = await LoadHarness.RunScenariosAsync(hub, options);

        Assert.Equal(["keys", "keys (h2load)", "verify", "verify (h2load)", "query"], results.Select(r => r.Scenario));
        Assert.All(results, r =>
        {
            Assert.Equal(0, r.Errors);
            Assert.True(r.Requests > 0, r.Scenario);
            // Only a hub alone in its process has an allocation per call: the C# client ran elsewhere.
            Assert.InRange(r.HubBytesPerCall, 1, 1_000_000);
        });
        // The calls the client process made were the hub's to serve, in this process: an audited verification
        // allocates, so the process allocated at least the measured calls' share.
        var verify = results.Single(r => r.Scenario == "verify");
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore >= verify.HubBytesPerCall * verify.Requests);
    }

    [Theory]
    [InlineData("--url", "http://127.0.0.1:5000", "--split-cpus", "cannot pin a hub at --url")]
    [InlineData("--scenario", "verify,import", "--split-cpus", "not 'import'")]
    public void SplitCpus_IsRefusedWhereItCannotPin(string option, string value, string flag, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => LoadOptions.Parse([option, value, flag]));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CpuSplit_GivesTheHubTheLowerHalf_AndTheLoadGeneratorsTheRest()
    {
        Assert.Equal(("0", "1"), CpuSplit.Halves(2));
        Assert.Equal(("0-3", "4-7"), CpuSplit.Halves(8));
        Assert.Equal(("0", "1-2"), CpuSplit.Halves(3));
        Assert.Throws<InvalidOperationException>(() => CpuSplit.Halves(1));
    }

    [Fact]
    public void H2loadClient_IsRefusedForAHubItCannotCount()
    {
        var error = Assert.Throws<ArgumentException>(() => LoadOptions.Parse(["load", "--url", "http://127.0.0.1:5000", "--client", "h2load"]));
        Assert.Contains("hub's database", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgainstARunningHub_SetsItselfUpThroughTheApi_AndRunsAgainWithoutCollisions()
    {
        var options = new LoadOptions { DurationSeconds = 1, WarmupSeconds = 1, Concurrency = 2, Licenses = 10, ConnectionString = postgres.CreateDatabase() };
        await using var running = await HubUnderLoad.StartAsync(options, TextWriter.Null);
        var remote = options with { ConnectionString = null, Url = running.Url, AdminApiKey = running.AdminKey };

        foreach (var run in (int[])[1, 2])
        {
            await using var hub = await HubUnderLoad.StartAsync(remote, TextWriter.Null);
            var results = await LoadHarness.RunScenariosAsync(hub, remote with { Scenario = "verify,query,issue" });

            Assert.Equal(["keys", "verify", "query", "issue"], results.Select(r => r.Scenario));
            Assert.All(results, r => Assert.Equal(0, r.Errors));
            Assert.Equal(10, hub.Seeded.Count);
        }
    }

    [Fact]
    public async Task AuditAppend_MeasuresBothWaysOfAppending_AndCheckpointsCatchUp()
    {
        using var output = new StringWriter();

        var result = await AuditAppendLoad.MeasureAsync(["--seconds", "1", "--concurrency", "4", "--checkpoint-ms", "200"], output);

        Assert.True(result.BaselinePerSecond > 0);
        Assert.True(result.GroupCommitPerSecond > 0);
        Assert.True(result.Checkpoints > 0, output.ToString());
        Assert.Contains("checkpoint lag p50 / p99 / max", output.ToString(), StringComparison.Ordinal);
    }
}
