using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hub.Server.Infrastructure.Hosting;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Infrastructure;

/// <summary>
/// Start-up with a setting the operator got wrong, or a port someone else holds: the hub process stops at once with
/// one line on stderr naming the setting, the value and what is allowed, and exit code 2 — no stack trace, nothing
/// provisioned. Runs the built Hub.Server.dll as its own process.
/// </summary>
public sealed class StartupSettingsTests
{
    [Theory]
    [InlineData("--Hub:Endpoints:GrpcPort=abc", "Hub:Endpoints:GrpcPort 'abc' is not a whole number.")]
    [InlineData("--Hub:Endpoints:GrpcPort=70000", "Hub:Endpoints:GrpcPort must be between 0 and 65535 (given: 70000).")]
    [InlineData("--Hub:Endpoints:Reflection=maybe", "Hub:Endpoints:Reflection 'maybe' is not true or false.")]
    [InlineData("--Hub:Endpoints:TlsPort=5000", "Hub:Endpoints:GrpcPort and Hub:Endpoints:TlsPort are both 5000")]
    [InlineData("--Hub:Endpoints:GrpcAddress=everywhere", "Hub:Endpoints:GrpcAddress 'everywhere' is not an IP address")]
    [InlineData("--Hub:Telemetry:MetricsPort=5000", "Hub:Telemetry:MetricsPort 5000 is also a port of Hub:Endpoints")]
    [InlineData("--Hub:Telemetry:OtlpEndpoint=ftp://collector", "Hub:Telemetry:OtlpEndpoint must be an http:// or https:// address")]
    [InlineData("--Hub:Telemetry:MetricsAddress=anywhere", "Hub:Telemetry:MetricsAddress must be an IP address")]
    [InlineData("--Hub:AccessWatch:DistinctHoldersPerHour=0", "Hub:AccessWatch:DistinctHoldersPerHour must be between 1 and 10000000 (given: 0).")]
    public async Task A_bad_setting_stops_the_hub_with_one_line_naming_it(string argument, string expected)
    {
        await AssertStopsInOneLineAsync([argument], expected);
    }

    [Fact]
    public async Task A_busy_port_is_found_before_anything_is_provisioned()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        await AssertStopsInOneLineAsync(
            [$"--Hub:Endpoints:GrpcPort={port}", "--Hub:Endpoints:TlsPort=0"],
            $"Hub:Endpoints:GrpcPort {port} is already in use on 127.0.0.1.");
    }

    private static async Task AssertStopsInOneLineAsync(string[] arguments, string expected)
    {
        var state = Directory.CreateTempSubdirectory("hub-bad-setting-").FullName;
        try
        {
            var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = state };
            info.ArgumentList.Add(HubProcess.BuiltAssembly("Hub.Server", "Hub.Server.dll"));
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["Hub__StateDirectory"] = state;
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);

            var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(2, process.ExitCode);
            Assert.Equal(StartupFailure.ExitCode, process.ExitCode);
            var line = Assert.Single(lines);
            Assert.StartsWith("hub: cannot start: ", line, StringComparison.Ordinal);
            Assert.Contains(expected, line, StringComparison.Ordinal);
            Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
            Assert.Equal(string.Empty, await output);
            // Nothing provisioned for a hub that cannot start: no database, no keys.
            Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(state).Select(Path.GetFileName), n => n is "postgres.json" or "master-key" or "admin-api-key");
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }
}
