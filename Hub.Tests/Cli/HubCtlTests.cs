using Hub.Cli;
using Hub.Tests.Support;

namespace Hub.Tests.Cli;

/// <summary>hubctl against the real hub in memory, read as a person reads its output.</summary>
public sealed class HubCtlTests(PostgresCluster postgres) : IDisposable
{
    private readonly HubFactory _hub = new(postgres);

    [Fact]
    public async Task Health_PrintsServing_AndExitsZero()
    {
        var (exit, output, _) = await RunAsync("health");

        Assert.Equal(0, exit);
        Assert.Contains("hub: SERVING", output, StringComparison.Ordinal);
        Assert.Contains("postgres: SERVING", output, StringComparison.Ordinal);
        Assert.Contains("redis: not configured", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callers_AddListDisable_WorkEndToEnd()
    {
        var (added, addOutput, _) = await RunAsync(
            "callers", "add", "--api-key", HubFactory.AdminApiKey, "--org-code", "91350100M000100Y43", "--org-name", "测试单位",
            "--system-name", "window-7", "--role", "VERIFIER", "--role", "CONSUMER", "--clearance", "L3");
        Assert.Equal(0, added);
        var callerId = addOutput.Split('\n').Single(l => l.StartsWith("caller_id:", StringComparison.Ordinal))["caller_id:".Length..].Trim();
        Assert.Contains("api_key:   hub_", addOutput, StringComparison.Ordinal);

        var (_, listOutput, _) = await RunAsync("callers", "list", "--api-key", HubFactory.AdminApiKey);
        Assert.Matches($@"{callerId}\s+91350100M000100Y43\s+测试单位\s+window-7\s", listOutput);
        Assert.Contains("CONSUMER,VERIFIER", listOutput.Replace("VERIFIER,CONSUMER", "CONSUMER,VERIFIER", StringComparison.Ordinal), StringComparison.Ordinal);

        var (disabled, disableOutput, _) = await RunAsync("callers", "disable", callerId, "--reason", "retired", "--api-key", HubFactory.AdminApiKey);
        Assert.Equal(0, disabled);
        Assert.Contains($"disabled: {callerId}", disableOutput, StringComparison.Ordinal);
        var (_, afterOutput, _) = await RunAsync("callers", "list", "--api-key", HubFactory.AdminApiKey);
        Assert.DoesNotContain(callerId, afterOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callers_BadInput_PrintsEachFieldAndExitsNonZero()
    {
        var (exit, _, error) = await RunAsync(
            "callers", "add", "--api-key", HubFactory.AdminApiKey, "--org-code", "914403001922038217", "--org-name", "x",
            "--system-name", "y", "--role", "VERIFIER");

        Assert.Equal(1, exit);
        Assert.Contains("InvalidArgument", error, StringComparison.Ordinal);
        Assert.Contains("org_code: is not a valid 统一社会信用代码", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callers_UnknownRoleOrClearance_IsRefusedBeforeCalling()
    {
        var (exit, _, error) = await RunAsync(
            "callers", "add", "--api-key", HubFactory.AdminApiKey, "--org-code", "91350100M000100Y43", "--org-name", "x",
            "--system-name", "y", "--role", "VERIFIER", "--role", "SUPERUSER", "--clearance", "L9");

        Assert.Equal(2, exit);
        Assert.Contains("unknown role 'SUPERUSER'", error, StringComparison.Ordinal);
        Assert.Contains("unknown clearance 'L9'", error, StringComparison.Ordinal);
        var (_, listOutput, _) = await RunAsync("callers", "list", "--api-key", HubFactory.AdminApiKey);
        Assert.DoesNotContain("  y  ", listOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callers_WithNoKeyAtAll_SaysUnauthenticated()
    {
        var (exit, _, error) = await RunAsync("callers", "list");

        Assert.Equal(1, exit);
        Assert.Contains("Unauthenticated", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--api-key", "")]
    [InlineData("--api-key", "   ")]
    [InlineData("--api-key-file", "/dev/null")]
    public async Task A_key_option_present_but_empty_is_an_error_and_never_falls_back_to_another_identity(string option, string value)
    {
        var (exit, output, error) = await RunAsync("callers", "list", option, value);

        Assert.Equal(2, exit);
        Assert.Contains($"the API key from {option}", error, StringComparison.Ordinal);
        Assert.Contains("is empty (an unset variable?)", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Hubctl_says_which_key_it_authenticates_with_on_stderr_never_the_key()
    {
        var (exit, output, error) = await RunAsync("callers", "list", "--api-key", HubFactory.AdminApiKey);

        Assert.Equal(0, exit);
        Assert.Contains("hubctl: authenticating with the API key from --api-key", error, StringComparison.Ordinal);
        Assert.DoesNotContain(HubFactory.AdminApiKey, error + output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_portal_registered_with_its_key_signs_an_assertion_with_hubctl_and_reads_that_holders_history_only()
    {
        var folder = Directory.CreateTempSubdirectory("hub-tests-hubctl-portal-").FullName;
        try
        {
            var key = Hub.Signing.Sm2.Sm2KeyPair.Generate();
            await File.WriteAllTextAsync(Path.Combine(folder, "portal.pub"), key.PublicKey.Pem);
            await File.WriteAllTextAsync(Path.Combine(folder, "portal.key"), System.Security.Cryptography.PemEncoding.WriteString("PRIVATE KEY", key.ExportPkcs8()));
            var (added, addOutput, addError) = await RunAsync(
                "callers", "add", "--api-key", HubFactory.AdminApiKey, "--org-code", "11610100MB0000000J", "--org-name", "门户",
                "--system-name", "hubctl-portal", "--role", "PORTAL", "--assertion-key", Path.Combine(folder, "portal.pub"));
            Assert.True(added == 0, addOutput + addError);
            var callerId = addOutput.Split('\n').Single(l => l.StartsWith("caller_id:", StringComparison.Ordinal))["caller_id:".Length..].Trim();
            var apiKey = addOutput.Split('\n').Single(l => l.StartsWith("api_key:", StringComparison.Ordinal))["api_key:".Length..].Trim();
            const string Holder = "610102199001011231";

            var (asserted, token, _) = await RunAsync("portal", "assert", "--key-file", Path.Combine(folder, "portal.key"), "--caller-id", callerId, "--holder-id", Holder);
            var (own, _, ownError) = await RunAsync("audit", "history", "--holder-id", Holder, "--api-key", apiKey, "--holder-assertion", token.Trim());
            var (other, _, otherError) = await RunAsync("audit", "history", "--holder-id", "11010519491231002X", "--api-key", apiKey, "--holder-assertion", token.Trim());

            Assert.Equal(0, asserted);
            Assert.StartsWith("ha1.", token, StringComparison.Ordinal);
            Assert.True(own == 0, ownError);
            Assert.Equal(1, other);
            Assert.Contains("HOLDER_NOT_ASSERTED", otherError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public void Dispose() => _hub.Dispose();

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HubCtl.RunAsync([.. args, "--url", _hub.Server.BaseAddress.ToString()], new CliEnvironment(output, error, _hub.Server.CreateHandler()));
        return (exit, output.ToString(), error.ToString());
    }
}
