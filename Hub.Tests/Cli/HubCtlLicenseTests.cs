using Hub.Cli;
using Hub.Common.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Cli;

/// <summary>hubctl licenses issue|get|status|verify|export and keys list against the real hub in memory.</summary>
public sealed class HubCtlLicenseTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task IssueGetVerifySuspendExport_WorkEndToEnd()
    {
        var (issued, issueOutput, issueError) = await RunAsync(
            "licenses", "issue", "--api-key", _s.IssuerKey, "--type", LicenseScenario.TypeCode, "--number", "CLI-0001",
            "--holder-name", "李四", "--holder-id", LicenseScenario.CitizenId, "--valid-from", "2024-01-01",
            "--face", "category=A类", "--face", "issued_on=2024-01-01");
        Assert.True(issued == 0, issueError);
        var identifier = Line(issueOutput, "identifier:");
        Assert.StartsWith("1.2.156.3005.2." + LicenseScenario.TypeCode, identifier, StringComparison.Ordinal);
        Assert.Contains("seal:           SM2-SM3 by key", issueOutput, StringComparison.Ordinal);

        var verifierKey = _s.VerifierKeys[DataLevel.L2Internal];
        var (valid, validOutput, _) = await RunAsync("licenses", "verify", identifier, "--purpose", "窗口核验", "--api-key", verifierKey);
        Assert.Equal(0, valid);
        Assert.StartsWith("VALID", validOutput, StringComparison.Ordinal);
        Assert.Contains("receipt:        log index", validOutput, StringComparison.Ordinal);

        var (suspended, _, _) = await RunAsync("licenses", "status", identifier, "--to", "SUSPENDED", "--reason", "暂扣", "--api-key", _s.IssuerKey);
        Assert.Equal(0, suspended);
        var (notValid, notValidOutput, _) = await RunAsync("licenses", "verify", identifier, "--purpose", "窗口核验", "--api-key", verifierKey);
        Assert.Equal(3, notValid);
        Assert.StartsWith("NOT VALID: SUSPENDED", notValidOutput, StringComparison.Ordinal);

        var file = Path.Combine(Path.GetTempPath(), $"hub-cli-{Guid.NewGuid():N}.xml");
        try
        {
            var (exported, exportOutput, _) = await RunAsync("licenses", "export", identifier, "--out", file, "--api-key", _s.IssuerKey);
            Assert.Equal(0, exported);
            Assert.Contains("wrote", exportOutput, StringComparison.Ordinal);
            var (byDocument, documentOutput, _) = await RunAsync("licenses", "verify", "--document", file, "--purpose", "材料核验", "--api-key", verifierKey);
            Assert.Equal(3, byDocument); // still suspended: status is live even for a document
            Assert.Contains("pass  DOCUMENT_SIGNATURE", documentOutput, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }

        var (got, getOutput, _) = await RunAsync("licenses", "get", identifier, "--api-key", _s.IssuerKey);
        Assert.Equal(0, got);
        Assert.Contains("李四", getOutput, StringComparison.Ordinal);
        Assert.Contains("SUSPENDED (暂扣)", getOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_MalformedIdentifier_PrintsTheFieldAndExitsOne()
    {
        var (exit, _, error) = await RunAsync("licenses", "verify", "1.2.156.3005.2.bad", "--purpose", "x", "--api-key", _s.VerifierKeys[DataLevel.L1Public]);

        Assert.Equal(1, exit);
        Assert.Contains("identifier: is not a valid 电子证照标识", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysList_NeedsNoKey()
    {
        var (exit, output, _) = await RunAsync("keys", "list");

        Assert.Equal(0, exit);
        Assert.Contains("SM2-SM3", output, StringComparison.Ordinal);
    }

    private static string Line(string output, string prefix) =>
        output.Split('\n').Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HubCtl.RunAsync([.. args, "--url", _s.Hub.Server.BaseAddress.ToString()], new CliEnvironment(output, error, _s.Hub.Server.CreateHandler()));
        return (exit, output.ToString(), error.ToString());
    }
}
