using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Hub.Catalogue.V1;
using Hub.Server.Infrastructure.Embedded;
using Hub.Tests.Architecture;
using Hub.Tests.Support;

namespace Hub.Tests.Adapters;

/// <summary>
/// A non-.NET system calls CheckMatter: tools/node-client/check-matter.js (@grpc/grpc-js, installed by scripts/test.sh
/// with npm) against the hub listening on a real loopback port.
/// </summary>
public sealed class NodeClientTests(PostgresCluster postgres)
{
    [Fact]
    public async Task CheckMatter_FromANodeJsGrpcClient_IsWaived()
    {
        var settings = new Dictionary<string, string?> { ["Hub:Secrets:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        await using var scenario = await LicenseScenario.CreateAsync(new HubFactory(postgres, settings));
        await scenario.IssueAsync("NODE-0001");
        await scenario.Catalogue(scenario.CatalogueKey).RegisterMatterAsync(new RegisterMatterRequest
        {
            MatterCode = "NODE-MATTER",
            Name = "跨语言测试事项",
            DepartmentCode = LicenseScenario.IssuerOrg,
            Materials = { new Material { MaterialCode = "M1", Name = "资格证书", AcceptedTypeCodes = { LicenseScenario.TypeCode }, NeededFields = { "category" } } },
        });
        var port = LoopbackPorts.Choose(0);
        await using var listening = new HubFactory(scenario.Hub.ConnectionString, new Dictionary<string, string?>(settings)
        {
            ["Hub:Endpoints:GrpcPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hub:Endpoints:TlsPort"] = "0",
        });
        listening.UseKestrel();
        listening.StartServer();

        var (exit, output, error) = await RunNodeAsync(
            $"127.0.0.1:{port}", scenario.VerifierKeys[Hub.Common.V1.DataLevel.L2Internal], "NODE-MATTER", "HOLDER_ID_TYPE_CITIZEN_ID", LicenseScenario.CitizenId);

        Assert.True(exit == 0, error + output);
        var material = JsonDocument.Parse(output).RootElement.GetProperty("materials")[0];
        Assert.Equal("MATERIAL_OUTCOME_WAIVED", material.GetProperty("outcome").GetString());
        Assert.Equal("A类", material.GetProperty("facts").GetProperty("category").GetString());
    }

    private static async Task<(int Exit, string Output, string Error)> RunNodeAsync(params string[] args)
    {
        var root = ProjectDependencyTests.RepositoryRoot();
        var client = Path.Combine(root, "tools", "node-client");
        if (!Directory.Exists(Path.Combine(client, "node_modules", "@grpc", "grpc-js")))
        {
            throw new InvalidOperationException("tools/node-client has no node_modules: run scripts/test.sh (it runs npm ci there).");
        }

        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var info = new ProcessStartInfo(new[] { "/usr/bin/node", "/usr/local/bin/node" }.First(File.Exists))
        {
            WorkingDirectory = client,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("check-matter.js");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The .proto files: ours, and Google's common protos as the build used them.
        info.ArgumentList.Add(Path.Combine(root, "protos"));
        info.ArgumentList.Add(Directory.GetDirectories(Path.Combine(packages, "google.api.commonprotos")).Max()! + "/content/protos");
        info.ArgumentList.Add(Directory.GetDirectories(Path.Combine(packages, "grpc.tools")).Max()! + "/build/native/include");
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
