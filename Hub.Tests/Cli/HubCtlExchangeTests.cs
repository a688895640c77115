using Hub.Cli;
using Hub.Common.V1;
using Hub.Tests.Architecture;
using Hub.Tests.Support;

namespace Hub.Tests.Cli;

/// <summary>
/// `hubctl resources`, `hubctl grants` and `hubctl query` as the platform team, a provider and a consumer run them,
/// starting from the example registration in docs/examples/.
/// </summary>
public sealed class HubCtlExchangeTests(ExchangeScenarioFixture fixture) : IClassFixture<ExchangeScenarioFixture>
{
    private readonly ExchangeScenario _s = fixture.Scenario;

    [Fact]
    public async Task ResourcesAdd_FromTheDocsExample_ThenList()
    {
        var example = Path.Combine(ProjectDependencyTests.RepositoryRoot(), "docs", "examples", "data-resource.json");

        var (added, addOutput, addError) = await RunAsync("resources", "add", "--file", example, "--api-key", _s.CatalogueKey);
        var (again, againOutput, _) = await RunAsync("resources", "add", "--file", example, "--api-key", _s.CatalogueKey);
        var (listed, listOutput, _) = await RunAsync("resources", "list", "--name", "户籍", "--level", "L4", "--sharing", "conditional", "--api-key", _s.CatalogueKey);

        Assert.True(added == 0, addOutput + addError);
        Assert.Contains("registered: 610100-GA-HJ-0001", addOutput, StringComparison.Ordinal);
        Assert.Contains("guardian_note        L4  KEEP_ENDS  监护情况", addOutput, StringComparison.Ordinal);
        Assert.Equal(0, again);
        Assert.Contains("already registered (same content): 610100-GA-HJ-0001", againOutput, StringComparison.Ordinal);
        Assert.Equal(0, listed);
        Assert.Matches(@"610100-GA-HJ-0001\s+户籍人口基本信息\s+CONDITIONAL\s+L4\s+11610100MB1000000Q", listOutput);
    }

    [Fact]
    public async Task Grants_RequestDecideListQueryRevoke_EndToEnd()
    {
        var resource = await _s.NewResourceAsync(SharingType.Conditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var person = _s.NewPerson();

        var (requested, requestOutput, requestError) = await RunAsync(
            "grants", "request", "--resource", resource, "--field", "name", "--field", "address", "--purpose", "低保资格审核", "--api-key", consumer);
        Assert.True(requested == 0, requestOutput + requestError);
        Assert.Contains("status:    PENDING", requestOutput, StringComparison.Ordinal);
        var grantId = Line(requestOutput, "grant_id:");

        var (_, pendingList, _) = await RunAsync("grants", "list", "--status", "pending", "--resource", resource, "--api-key", _s.ProviderKey);
        Assert.Contains($"{grantId}  PENDING", pendingList, StringComparison.Ordinal);

        var (bothFlags, _, bothError) = await RunAsync("grants", "decide", grantId, "--approve", "--reject", "--api-key", _s.ProviderKey);
        Assert.Equal(2, bothFlags);
        Assert.Contains("exactly one of --approve or --reject", bothError, StringComparison.Ordinal);

        var (decided, decideOutput, _) = await RunAsync("grants", "decide", grantId, "--approve", "--api-key", _s.ProviderKey);
        Assert.Equal(0, decided);
        Assert.Contains("status:    APPROVED", decideOutput, StringComparison.Ordinal);

        var (queried, queryOutput, queryError) = await RunAsync("query", "--resource", resource, "--key", person, "--purpose", "低保资格审核", "--api-key", consumer);
        Assert.True(queried == 0, queryOutput + queryError);
        Assert.Contains("name: 欧阳娜娜  [PLAIN by within-clearance]", queryOutput, StringComparison.Ordinal);
        Assert.Contains("address: 陕西省西安市********  [MASKED by one-level-above-clearance-masked]", queryOutput, StringComparison.Ordinal);

        var (revoked, revokeOutput, _) = await RunAsync("grants", "revoke", grantId, "--reason", "项目结束", "--api-key", consumer);
        Assert.Equal(0, revoked);
        Assert.Contains("status:    REVOKED", revokeOutput, StringComparison.Ordinal);

        var (denied, _, deniedError) = await RunAsync("query", "--resource", resource, "--key", person, "--purpose", "低保资格审核", "--api-key", consumer);
        Assert.Equal(1, denied);
        Assert.Contains("PermissionDenied", deniedError, StringComparison.Ordinal);
        Assert.Contains("GRANT_REVOKED", deniedError, StringComparison.Ordinal);
    }

    private static string Line(string output, string label) =>
        output.Split('\n').Single(l => l.StartsWith(label, StringComparison.Ordinal))[label.Length..].Trim();

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HubCtl.RunAsync([.. args, "--url", _s.Hub.Server.BaseAddress.ToString()], new CliEnvironment(output, error, _s.Hub.Server.CreateHandler()));
        return (exit, output.ToString(), error.ToString());
    }
}
