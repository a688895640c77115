using System.Diagnostics;
using Hub.Cli;
using Hub.Tests.Support;

namespace Hub.Tests.Cli;

/// <summary>
/// hubctl installed as the README says (<c>scripts/install-hubctl.sh</c>) and run as a command against the hub as its
/// own process on a port that is not the default: what an operator on a fresh machine does.
/// </summary>
public sealed class InstalledHubctlTests(PostgresCluster postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hub-tests-installed-hubctl-").FullName;

    [Fact]
    public async Task The_install_script_puts_a_working_hubctl_on_the_path_that_talks_to_a_hub_on_a_changed_port()
    {
        var ct = TestContext.Current.CancellationToken;
        var bin = Path.Combine(_folder, "bin");
        var (installed, installOutput) = await RunAsync(
            Path.Combine(HubProcess.RepositoryRoot, "scripts", "install-hubctl.sh"), [], new() { ["HUBCTL_BIN"] = bin, ["HUBCTL_LIB"] = Path.Combine(_folder, "lib", "hubctl") }, ct);
        Assert.True(installed == 0, installOutput);
        Assert.Contains($"installed {bin}/hubctl", installOutput, StringComparison.Ordinal);
        Assert.Contains("is not on your PATH", installOutput, StringComparison.Ordinal);
        var hubctl = Path.Combine(bin, "hubctl");

        await using var hub = new HubProcess(postgres.CreateDatabase());
        await hub.StartAsync();
        var (health, healthOutput) = await RunAsync(hubctl, ["health", "--url", hub.Url], [], ct);
        var (listed, listOutput) = await RunAsync(hubctl, ["callers", "list", "--url", hub.Url, "--api-key", HubFactory.AdminApiKey, "-o", "json"], [], ct);
        var (help, helpOutput) = await RunAsync(hubctl, ["--help"], [], ct);

        // audit verify with no --state: the checkpoint goes to the state folder for this hub, not the working folder.
        var auditor = await new Hub.Admin.V1.AdminService.AdminServiceClient(hub.Channel(HubFactory.AdminApiKey)).RegisterCallerAsync(new Hub.Admin.V1.RegisterCallerRequest
        {
            OrgCode = "11610100MB8K00007T", OrgName = "西安市审计局", SystemName = "installed-hubctl", Roles = { Hub.Common.V1.Role.Auditor }, Clearance = Hub.Common.V1.DataLevel.L1Public,
        }, cancellationToken: ct);
        var stateHome = Path.Combine(_folder, "state-home");
        var work = Directory.CreateDirectory(Path.Combine(_folder, "work")).FullName;
        Dictionary<string, string> asAuditor = new() { ["HUB_API_KEY"] = auditor.ApiKey, ["XDG_STATE_HOME"] = stateHome, ["HUB_STATE_DIR"] = string.Empty };
        await RunAsync(hubctl, ["keys", "list", "--url", hub.Url, "--save-pem", Path.Combine(work, "keys")], [], ct);
        var (verified, verifyOutput) = await RunAsync(hubctl, ["audit", "verify", "--url", hub.Url, "--trusted-keys", Path.Combine(work, "keys")], asAuditor, ct, work);
        var (again, againOutput) = await RunAsync(hubctl, ["audit", "verify", "--url", hub.Url, "--trusted-keys", Path.Combine(work, "keys")], asAuditor, ct, work);
        hub.Kill();
        var (gone, goneOutput) = await RunAsync(hubctl, ["health", "--url", hub.Url], [], ct);

        Assert.True(health == 0, healthOutput);
        Assert.Contains("hub: SERVING", healthOutput, StringComparison.Ordinal);
        Assert.True(listed == 0, listOutput);
        Assert.Contains("\"roles\": [", listOutput, StringComparison.Ordinal);
        Assert.Equal(0, help);
        Assert.Contains("Exit codes:", helpOutput, StringComparison.Ordinal);
        Assert.True(verified == 0, verifyOutput);
        Assert.Contains("no checkpoint was saved there before", verifyOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(stateHome, "hubctl", $"127.0.0.1_{hub.Port}", "audit-state.json")), verifyOutput);
        Assert.Empty(Directory.GetFiles(work));
        Assert.True(again == 0, againOutput);
        Assert.Contains("consistency with the saved checkpoint of size", againOutput, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Unreachable, gone);
        Assert.Contains($"cannot reach the hub at {hub.Url}", goneOutput, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Runs a program to its end; stdout and stderr together, as a terminal shows them.</summary>
    private static async Task<(int Exit, string Output)> RunAsync(string program, string[] arguments, Dictionary<string, string> environment, CancellationToken cancellationToken, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await error);
    }
}
