using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Hub.Catalogue.V1;
using Hub.Server.Infrastructure.Embedded;
using Hub.Tests.Architecture;
using Hub.Tests.Support;

namespace Hub.Tests.Adapters;

/// <summary>
/// Non-.NET systems against the hub listening on a real loopback port (@grpc/grpc-js, installed by scripts/test.sh
/// with npm): tools/node-client/check-matter.js calls CheckMatter; subscribe-events.js subscribes and resumes.
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
        var (listening, port) = Listening(scenario, settings);
        await using var _ = listening;

        var (exit, output, error) = await RunNodeAsync(
            "check-matter.js",
            $"127.0.0.1:{port}", scenario.VerifierKeys[Hub.Common.V1.DataLevel.L2Internal], "NODE-MATTER", "HOLDER_ID_TYPE_CITIZEN_ID", LicenseScenario.CitizenId);

        Assert.True(exit == 0, error + output);
        var material = JsonDocument.Parse(output).RootElement.GetProperty("materials")[0];
        Assert.Equal("MATERIAL_OUTCOME_WAIVED", material.GetProperty("outcome").GetString());
        Assert.Equal("A类", material.GetProperty("facts").GetProperty("category").GetString());
    }

    [Fact]
    public async Task A_NodeJs_subscriber_reads_events_in_order_and_resumes_after_the_last_it_processed()
    {
        var settings = new Dictionary<string, string?> { ["Hub:Secrets:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        await using var scenario = await LicenseScenario.CreateAsync(new HubFactory(postgres, settings));
        var subscriber = (await scenario.Hub.RegisterCallerAsync("11610000MB0000001G", "supervision", Hub.Common.V1.DataLevel.L1Public, Hub.Common.V1.Role.Subscriber)).ApiKey;
        var issued = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            issued.Add((await scenario.IssueAsync($"NODE-EV-{i}")).Identifier);
        }

        var (listening, port) = Listening(scenario, settings);
        await using var _ = listening;

        var first = await RunNodeAsync("subscribe-events.js", $"127.0.0.1:{port}", subscriber, "0", "2");
        var firstEvents = first.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var resumed = await RunNodeAsync("subscribe-events.js", $"127.0.0.1:{port}", subscriber, firstEvents[^1].GetProperty("event_id").GetString()!, "1");
        var resumedEvent = JsonDocument.Parse(resumed.Output.Trim()).RootElement;

        Assert.True(first.Exit == 0 && resumed.Exit == 0, first.Error + resumed.Error);
        List<JsonElement> all = [.. firstEvents, resumedEvent];
        Assert.Equal(["1", "2", "3"], all.Select(e => e.GetProperty("event_id").GetString()!));
        Assert.Equal(issued, all.Select(e => e.GetProperty("object_id").GetString()!));
        Assert.Equal("license.issued", resumedEvent.GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_OpenAPI_document_passes_an_independent_validator_and_a_client_generated_from_it_calls_checkMatter()
    {
        var settings = new Dictionary<string, string?> { ["Hub:Secrets:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        await using var scenario = await LicenseScenario.CreateAsync(new HubFactory(postgres, settings));
        await scenario.IssueAsync("OPENAPI-0001");
        await scenario.Catalogue(scenario.CatalogueKey).RegisterMatterAsync(new RegisterMatterRequest
        {
            MatterCode = "OPENAPI-MATTER",
            Name = "OpenAPI 客户端测试事项",
            DepartmentCode = LicenseScenario.IssuerOrg,
            Materials = { new Material { MaterialCode = "M1", Name = "资格证书", AcceptedTypeCodes = { LicenseScenario.TypeCode }, NeededFields = { "category" } } },
        });
        var tls = Directory.CreateTempSubdirectory("hub-tests-openapi-tls-").FullName;
        try
        {
            Hub.Server.Infrastructure.Hosting.TlsCertificate.LoadOrCreateSelfSigned(tls, TimeProvider.System).Dispose();
            var port = LoopbackPorts.Choose(0);
            await using var listening = new HubFactory(scenario.Hub.ConnectionString, new Dictionary<string, string?>(settings)
            {
                ["Hub:Endpoints:GrpcPort"] = "0",
                ["Hub:Endpoints:TlsPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Hub:Endpoints:CertificatePath"] = Path.Combine(tls, "tls", "cert.pem"),
                ["Hub:Endpoints:KeyPath"] = Path.Combine(tls, "tls", "key.pem"),
            });
            listening.UseKestrel();
            listening.StartServer();

            // The short enum name (CITIZEN_ID) as a person would type it: the document says requests may use it.
            var (exit, output, error) = await RunNodeAsync(
                "openapi-check.js",
                $"https://127.0.0.1:{port}", scenario.VerifierKeys[Hub.Common.V1.DataLevel.L2Internal], "OPENAPI-MATTER", "CITIZEN_ID", LicenseScenario.CitizenId, Path.Combine(tls, "tls", "cert.pem"));

            Assert.True(exit == 0, error + output);
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("OpenAPI 3.1.0: valid,", lines[0], StringComparison.Ordinal);
            var answer = JsonDocument.Parse(lines[1]).RootElement;
            Assert.Equal(200, answer.GetProperty("status").GetInt32());
            var material = answer.GetProperty("body").GetProperty("materials")[0];
            Assert.Equal("MATERIAL_OUTCOME_WAIVED", material.GetProperty("outcome").GetString());
            Assert.Equal("A类", material.GetProperty("facts").GetProperty("category").GetString());
        }
        finally
        {
            Directory.Delete(tls, recursive: true);
        }
    }

    /// <summary>A second hub on the scenario's database, on a real loopback port (plaintext gRPC), as a Node.js client reaches it.</summary>
    private static (HubFactory Hub, int Port) Listening(LicenseScenario scenario, Dictionary<string, string?> settings)
    {
        var port = LoopbackPorts.Choose(0);
        var listening = new HubFactory(scenario.Hub.ConnectionString, new Dictionary<string, string?>(settings)
        {
            ["Hub:Endpoints:GrpcPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Hub:Endpoints:TlsPort"] = "0",
        });
        listening.UseKestrel();
        listening.StartServer();
        return (listening, port);
    }

    private static async Task<(int Exit, string Output, string Error)> RunNodeAsync(string script, params string[] args)
    {
        var root = ProjectDependencyTests.RepositoryRoot();
        var client = Path.Combine(root, "tools", "node-client");
        if (!Directory.Exists(Path.Combine(client, "node_modules", "@grpc", "grpc-js")))
        {
            throw new InvalidOperationException("tools/node-client has no node_modules: run scripts/test.sh (it runs npm ci there).");
        }

        var info = new ProcessStartInfo(new[] { "/usr/bin/node", "/usr/local/bin/node" }.First(File.Exists))
        {
            WorkingDirectory = client,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The .proto files: this repository's protos/ alone (it declares the Google API types the contracts import).
        info.ArgumentList.Add(Path.Combine(root, "protos"));
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await error);
    }
}
