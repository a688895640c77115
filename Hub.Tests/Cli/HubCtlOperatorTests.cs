using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Hub.Cli;
using Hub.Common.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Cli;

/// <summary>
/// hubctl as an operator uses it on a real database: the catalogue from JSON and YAML files, amending a license,
/// rotating a caller's key, JSON output for scripts, labelled times, its state folder and what it says when the hub
/// cannot be reached.
/// </summary>
public sealed class HubCtlOperatorTests(LicenseScenarioFixture fixture) : IClassFixture<LicenseScenarioFixture>, IDisposable
{
    private readonly LicenseScenario _s = fixture.Scenario;
    private readonly string _folder = Directory.CreateTempSubdirectory("hub-tests-hubctl-operator-").FullName;

    [Fact]
    public async Task A_license_type_registered_from_YAML_is_listed_and_shown_with_its_fields()
    {
        var code = "11610100MB0000000J" + Random.Shared.Next(200, 999);
        var file = Path.Combine(_folder, "type.yaml");
        await File.WriteAllTextAsync(file, $"""
            # 测试: a type as an operator writes it
            typeCode: "{code}"
            name: 测试许可证
            definingOrgCode: "11610100MB0000000J"
            issuerOrgCodes: ["{LicenseScenario.IssuerOrg}"]
            holderKind: HOLDER_KIND_PERSON
            sharingType: SHARING_TYPE_UNCONDITIONAL
            fields:
              - {"{"} name: category, label: 类别, kind: FIELD_KIND_STRING, required: true, level: DATA_LEVEL_L1_PUBLIC, mask: MASK_RULE_NONE {"}"}
              - {"{"} name: phone, label: 电话, kind: FIELD_KIND_STRING, level: DATA_LEVEL_L3_SENSITIVE, mask: MASK_RULE_PHONE {"}"}
            """);

        var (added, addOutput, addError) = await RunAsync("types", "add", "--file", file, "--api-key", _s.CatalogueKey);
        var (again, againOutput, _) = await RunAsync("types", "add", "--file", file, "--api-key", _s.CatalogueKey);
        var (_, listOutput, _) = await RunAsync("types", "list", "--api-key", _s.VerifierKeys[DataLevel.L1Public]);
        var (got, json, _) = await RunAsync("types", "get", code, "--output", "json", "--api-key", _s.VerifierKeys[DataLevel.L1Public]);

        Assert.True(added == 0, addError);
        Assert.StartsWith("registered", addOutput, StringComparison.Ordinal);
        Assert.Matches(@"phone\s+电话\s+STRING\s+no\s+L3\s+PHONE", addOutput);
        Assert.Equal(0, again);
        Assert.StartsWith("already registered (same content)", againOutput, StringComparison.Ordinal);
        Assert.Matches($@"{code}\s+测试许可证\s+PERSON\s+UNCONDITIONAL\s+2\s+{LicenseScenario.IssuerOrg}", listOutput);
        Assert.Equal(0, got);
        var type = JsonDocument.Parse(json).RootElement.GetProperty("licenseType");
        Assert.Equal("测试许可证", type.GetProperty("name").GetString());
        Assert.Equal("DATA_LEVEL_L3_SENSITIVE", type.GetProperty("fields")[1].GetProperty("level").GetString());
    }

    [Fact]
    public async Task A_matter_registered_from_JSON_is_shown_with_the_types_that_replace_each_material()
    {
        var code = "610100-TEST-" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(_folder, "matter.json");
        await File.WriteAllTextAsync(file, $$"""
            { "matterCode": "{{code}}", "name": "测试事项", "departmentCode": "{{LicenseScenario.IssuerOrg}}",
              "materials": [ { "materialCode": "ZGZ", "name": "资格证书", "acceptedTypeCodes": ["{{LicenseScenario.TypeCode}}"], "neededFields": ["category"] } ] }
            """);

        var (added, _, addError) = await RunAsync("matters", "add", "--file", file, "--api-key", _s.CatalogueKey);
        var (got, getOutput, _) = await RunAsync("matters", "get", code, "--api-key", _s.CatalogueKey);
        var (listed, json, _) = await RunAsync("matters", "list", "--department", LicenseScenario.IssuerOrg, "-o", "json", "--api-key", _s.CatalogueKey);

        Assert.True(added == 0, addError);
        Assert.Equal(0, got);
        Assert.Matches($@"ZGZ\s+资格证书\s+{LicenseScenario.TypeCode}\s+category", getOutput);
        Assert.Equal(0, listed);
        Assert.Contains(JsonDocument.Parse(json).RootElement.GetProperty("matters").EnumerateArray(), m => m.GetProperty("matterCode").GetString() == code);
    }

    [Theory]
    [InlineData("matter.yaml", "matterCode: x\nnmae: y\n", "Unknown field: nmae")]
    [InlineData("matter.yaml", "matterCode: [x\n", "line 2")]
    [InlineData("matter.json", "{ \"matterCode\": ", "matter.json")]
    public async Task A_bad_request_file_is_refused_before_anything_is_sent(string name, string content, string expected)
    {
        var file = Path.Combine(_folder, name);
        await File.WriteAllTextAsync(file, content);

        var (exit, output, error) = await RunAsync("matters", "add", "--file", file, "--api-key", _s.CatalogueKey);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Amending_makes_a_new_version_and_the_old_identifier_can_no_longer_be_amended()
    {
        var (issued, issueOutput, issueError) = await RunAsync(
            "licenses", "issue", "--api-key", _s.IssuerKey, "--type", LicenseScenario.TypeCode, "--number", "AMEND-" + Guid.NewGuid().ToString("N")[..6],
            "--holder-name", "李四", "--holder-id", LicenseScenario.CitizenId, "--valid-from", "2024-01-01", "--face", "category=A类", "--face", "issued_on=2024-01-01");
        Assert.True(issued == 0, issueError);
        var first = Line(issueOutput, "identifier:");

        var (amended, amendOutput, amendError) = await RunAsync(
            "licenses", "amend", first, "--face", "category=B类", "--face", "issued_on=2024-01-01", "--valid-until", "2030-12-31", "--reason", "类别变更", "--api-key", _s.IssuerKey);
        var (stale, _, staleError) = await RunAsync("licenses", "amend", first, "--face", "category=C类", "--face", "issued_on=2024-01-01", "--reason", "x", "--api-key", _s.IssuerKey);
        var (both, _, bothError) = await RunAsync("licenses", "amend", first, "--face", "category=C类", "--valid-until", "2030-01-01", "--long-term", "--reason", "x", "--api-key", _s.IssuerKey);

        Assert.True(amended == 0, amendError);
        Assert.NotEqual(first, Line(amendOutput, "identifier:"));
        Assert.Contains("version:        2 (current 2)", amendOutput, StringComparison.Ordinal);
        Assert.Contains("face.category: B类", amendOutput, StringComparison.Ordinal);
        Assert.Contains("to 2030-12-31", amendOutput, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Refused, stale);
        Assert.Contains("NOT_CURRENT_VERSION", staleError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, both);
        Assert.Contains("not both", bothError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rotated_key_replaces_the_old_one_at_once()
    {
        var caller = await _s.Hub.RegisterCallerAsync("11610100MB6Y00005L", "rotate-" + Guid.NewGuid().ToString("N")[..8], DataLevel.L1Public, Role.Verifier);
        var keyFile = Path.Combine(_folder, "new-key");

        var (rotated, output, error) = await RunAsync("callers", "rotate-key", caller.CallerId, "--reason", "scheduled rotation", "--save-key", keyFile, "--api-key", HubFactory.AdminApiKey);
        var (oldCall, _, oldCallError) = await RunAsync("types", "list", "--api-key", caller.ApiKey);
        var (fresh, _, freshError) = await RunAsync("types", "list", "--api-key-file", keyFile);
        var (missing, _, missingError) = await RunAsync("callers", "rotate-key", Guid.NewGuid().ToString(), "--reason", "x", "--api-key", HubFactory.AdminApiKey);
        var (overwrite, _, overwriteError) = await RunAsync("callers", "rotate-key", caller.CallerId, "--reason", "again", "--save-key", keyFile, "--api-key", HubFactory.AdminApiKey);
        var (stillFresh, _, _) = await RunAsync("types", "list", "--api-key-file", keyFile);

        Assert.True(rotated == 0, error);
        Assert.Contains("written to", output, StringComparison.Ordinal);
        Assert.DoesNotContain((await File.ReadAllTextAsync(keyFile)).Trim(), output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        Assert.Equal(ExitCodes.Refused, oldCall);
        Assert.Contains("Unauthenticated", oldCallError, StringComparison.Ordinal);
        Assert.True(fresh == 0, freshError);
        Assert.Equal(ExitCodes.Refused, missing);
        Assert.Contains("CALLER_NOT_FOUND", missingError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, overwrite); // an existing file is never overwritten, and the key is not rotated
        Assert.Contains("nothing was changed", overwriteError, StringComparison.Ordinal);
        Assert.Equal(0, stillFresh);
    }

    [Fact]
    public async Task Lists_print_json_for_scripts_and_label_their_time_zone()
    {
        var (_, shanghai, _) = await RunAsync("keys", "list");
        var (_, utc, _) = await RunAsync("keys", "list", "--utc");
        var (json, output, _) = await RunAsync("callers", "list", "--output", "json", "--api-key", HubFactory.AdminApiKey);
        var (bad, _, badError) = await RunAsync("callers", "list", "--output", "xml", "--api-key", HubFactory.AdminApiKey);

        Assert.Contains("SINCE (Asia/Shanghai)", shanghai, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00", shanghai);
        Assert.Contains("SINCE (UTC)", utc, StringComparison.Ordinal);
        Assert.Matches(@"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", utc);
        Assert.Equal(0, json);
        Assert.Contains(JsonDocument.Parse(output).RootElement.GetProperty("callers").EnumerateArray(), c => c.GetProperty("roles").EnumerateArray().Any(r => r.GetString() == "ROLE_ADMIN"));
        Assert.Equal(ExitCodes.Usage, bad);
        Assert.Contains("xml", badError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registration_prints_the_hubs_answer_as_json_for_scripts()
    {
        var (added, output, error) = await RunAsync(
            "callers", "add", "-o", "json", "--org-code", "11610100MB6Y00005L", "--org-name", "西安市政务服务中心",
            "--system-name", "json-" + Guid.NewGuid().ToString("N")[..8], "--role", "VERIFIER", "--api-key", HubFactory.AdminApiKey);

        Assert.True(added == 0, error);
        var answer = JsonDocument.Parse(output).RootElement;
        Assert.StartsWith("hub_", answer.GetProperty("apiKey").GetString(), StringComparison.Ordinal);
        Assert.False(answer.GetProperty("caller").GetProperty("disabled").GetBoolean()); // every field, false ones too
    }

    [Fact]
    public async Task Audit_verify_keeps_its_checkpoint_in_the_state_folder_given_one_folder_per_hub()
    {
        var keys = Path.Combine(_folder, "keys");
        var state = Path.Combine(_folder, "state");
        await RunAsync("keys", "list", "--save-pem", keys);

        // Run alone, this test may come before the log's first checkpoint: wait for it, as an auditor would.
        await AuditWaiter.CheckpointCoveringAsync(new Hub.Audit.V1.AuditService.AuditServiceClient(_s.Hub.Channel(_s.AuditorKey)), 0);
        var (exit, output, error) = await RunAsync("audit", "verify", "--trusted-keys", keys, "--state-dir", state, "--api-key", _s.AuditorKey);

        Assert.True(exit == 0, output + error);
        var saved = Assert.Single(Directory.GetFiles(state, "audit-state.json", SearchOption.AllDirectories));
        Assert.Contains(saved, error, StringComparison.Ordinal);
        Assert.Contains("no checkpoint was saved there before", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_nothing_listens_on_is_named_with_the_fix_and_exit_code_5()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await HubCtl.RunAsync(["health", "--url", $"http://127.0.0.1:{port}"], new CliEnvironment(output, error, null));

        Assert.Equal(ExitCodes.Unreachable, exit);
        Assert.Contains($"cannot reach the hub at http://127.0.0.1:{port}", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--url or HUB_URL", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_option_is_a_usage_error_that_names_the_command_to_ask_for_help()
    {
        var (exit, output, error) = await RunAsync("matters", "add", "--api-key", _s.CatalogueKey);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--file", error, StringComparison.Ordinal);
        Assert.Contains("Run 'hubctl matters add --help'", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    [Fact]
    public async Task Help_lists_the_exit_codes()
    {
        var (exit, output, _) = await RunAsync("--help");

        Assert.Equal(0, exit);
        Assert.Contains("Exit codes: 0 done; 1 the hub refused the call (health: not serving); 2 bad option", output, StringComparison.Ordinal);
        Assert.Contains("5 the hub could not be reached", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

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
