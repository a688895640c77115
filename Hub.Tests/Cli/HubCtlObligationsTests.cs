using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hub.Cli;
using Hub.Common.V1;
using Hub.Tests.Architecture;
using Hub.Tests.Support;

namespace Hub.Tests.Cli;

/// <summary>
/// 承诺办 / 容缺办 as a department runs it: the example matter from docs/examples/ added with hubctl, CheckMatter
/// offering commitment, `hubctl obligations accept|list|get|breach`, and the same obligation read over REST/JSON.
/// </summary>
public sealed class HubCtlObligationsTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private const string Applicant = "91350100M000100Y43"; // a company applying (统一社会信用代码)
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task The_example_matter_offers_commitment_and_hubctl_and_rest_accept_list_and_breach_it()
    {
        var examples = Path.Combine(ProjectDependencyTests.RepositoryRoot(), "docs", "examples");
        var verifier = _s.VerifierKeys[DataLevel.L2Internal];
        Assert.Equal(0, (await RunAsync("types", "add", "--file", Path.Combine(examples, "license-type.yaml"), "--api-key", _s.CatalogueKey)).Exit);
        var (added, addOutput, addError) = await RunAsync("matters", "add", "--file", Path.Combine(examples, "matter-commitment.yaml"), "--api-key", _s.CatalogueKey);
        Assert.True(added == 0, addOutput + addError);
        Assert.Contains("COMMITMENT 20wd, DEFICIENCY 10wd, not after a breach", addOutput, StringComparison.Ordinal);

        var (checkedExit, checkOutput, checkError) = await RunAsync("exemption", "check-matter", "--matter", "610100-XK-YJ-0007",
            "--applicant-id-type", "USCC", "--applicant-id", Applicant, "--case-number", "XA-YJ-2026-0042", "--purpose", "变更经营范围", "--api-key", verifier);
        Assert.True(checkedExit == 0, checkOutput + checkError);
        Assert.Contains("ACCEPTED_ON_COMMITMENT YPJYXK 药品经营许可证: proof due by", checkOutput, StringComparison.Ordinal);
        Assert.Contains("(20 working days), not yet accepted; on breach: 撤销本次变更决定，记入企业信用记录", checkOutput, StringComparison.Ordinal);

        var (accepted, acceptOutput, acceptError) = await RunAsync("obligations", "accept", "--matter", "610100-XK-YJ-0007", "--material", "YPJYXK",
            "--mode", "commitment", "--applicant-id-type", "USCC", "--applicant-id", Applicant, "--case-number", "XA-YJ-2026-0042", "--api-key", verifier);
        Assert.True(accepted == 0, acceptOutput + acceptError);
        Assert.Contains("status:        OPEN", acceptOutput, StringComparison.Ordinal);
        Assert.Contains("commitment:    本企业承诺", acceptOutput, StringComparison.Ordinal);
        var obligationId = acceptOutput.Split('\n').Single(l => l.StartsWith("obligation_id:", StringComparison.Ordinal))["obligation_id:".Length..].Trim();

        var (_, listOutput, _) = await RunAsync("obligations", "list", "--status", "open", "--applicant-id-type", "USCC", "--applicant-id", Applicant, "--api-key", verifier);
        Assert.Matches($@"{obligationId}\s+OPEN\s+COMMITMENT\s+610100-XK-YJ-0007\s+YPJYXK\s+XA-YJ-2026-0042", listOutput);

        // The same obligation over REST/JSON, as a system that cannot speak gRPC reads it.
        using var client = _s.Hub.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", verifier);
        using var read = await client.GetAsync($"/v1/obligations/{obligationId}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var json = JsonDocument.Parse(await read.Content.ReadAsStringAsync());
        Assert.Equal("OBLIGATION_STATUS_OPEN", json.RootElement.GetProperty("obligation").GetProperty("status").GetString());
        using var again = await client.PostAsync("/v1/obligations:accept", new StringContent($$"""
            {"requestId":"rest-accept-1","caseNumber":"XA-YJ-2026-0042","matterCode":"610100-XK-YJ-0007","materialCode":"YPJYXK",
             "applicant":{"idType":"HOLDER_ID_TYPE_USCC","idNumber":"{{Applicant}}"},"mode":"ACCEPTANCE_MODE_COMMITMENT"}
            """, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        using var againJson = JsonDocument.Parse(await again.Content.ReadAsStringAsync());
        Assert.Equal(obligationId, againJson.RootElement.GetProperty("obligation").GetProperty("obligationId").GetString());
        Assert.False(againJson.RootElement.GetProperty("created").GetBoolean());

        var (breached, breachOutput, _) = await RunAsync("obligations", "breach", obligationId, "--note", "承诺事项不实", "--api-key", verifier);
        Assert.Equal(0, breached);
        Assert.Contains("status:        BREACHED", breachOutput, StringComparison.Ordinal);
        var (closed, _, closedError) = await RunAsync("obligations", "breach", obligationId, "--note", "再次记录", "--api-key", verifier);
        Assert.Equal(1, closed);
        Assert.Contains("OBLIGATION_CLOSED", closedError, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HubCtl.RunAsync([.. args, "--url", _s.Hub.Server.BaseAddress.ToString()], new CliEnvironment(output, error, _s.Hub.Server.CreateHandler()));
        return (exit, output.ToString(), error.ToString());
    }
}
