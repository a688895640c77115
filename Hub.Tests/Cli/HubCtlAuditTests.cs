using System.Text.Json;
using Dapper;
using Hub.Admin.V1;
using Hub.Audit.V1;
using Hub.Cli;
using Hub.Common.V1;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Cli;

/// <summary>
/// `hubctl audit verify` and `hubctl receipt prove|verify` as an auditor runs them: a clean log verifies; changing,
/// deleting or reordering rows behind the hub's back is caught and the first bad index named.
/// </summary>
public sealed class HubCtlAuditTests(PostgresCluster postgres) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hub-tests-audit-").FullName;
    private LicenseScenario _s = null!;
    private long _size;

    public async ValueTask InitializeAsync()
    {
        _s = await LicenseScenario.CreateAsync(new HubFactory(postgres));
        for (var i = 0; i < 6; i++)
        {
            await _s.VerifyAsync((await _s.IssueAsync($"TA-{i:0000}")).Identifier);
        }

        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        var size = await connection.ExecuteScalarAsync<long>("SELECT size FROM log_head");
        _size = (long)(await AuditWaiter.CheckpointCoveringAsync(new AuditService.AuditServiceClient(_s.Hub.Channel(_s.AuditorKey)), size - 1)).TreeSize;
    }

    public async ValueTask DisposeAsync()
    {
        await _s.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AuditVerify_UntouchedLog_IsOkAndSavesTheCheckpoint()
    {
        var (exit, output, error) = await RunAsync("audit", "verify", "--state", State);

        Assert.True(exit == 0, output + error);
        Assert.Contains($"OK: {_size} entries recomputed", output, StringComparison.Ordinal);
        Assert.True(File.Exists(State));

        await _s.VerifyAsync((await _s.IssueAsync("TA-MORE")).Identifier);
        await AuditWaiter.CheckpointCoveringAsync(new AuditService.AuditServiceClient(_s.Hub.Channel(_s.AuditorKey)), _size);
        var (again, againOutput, _) = await RunAsync("audit", "verify", "--state", State);
        Assert.Equal(0, again);
        Assert.Contains($"consistency with the saved checkpoint of size {_size}: OK", againOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_ChangedRow_NamesItsIndex()
    {
        await TamperAsync("UPDATE access_log SET entry_json = replace(entry_json, '\"OK\"', '\"DENIED\"') WHERE log_index = 5");

        var (exit, output, _) = await RunAsync("audit", "verify", "--state", State);

        Assert.Equal(4, exit);
        Assert.Contains("first index that does not match: 5", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_DeletedRow_NamesItsIndex()
    {
        await TamperAsync("DELETE FROM access_log WHERE log_index = 3");

        var (exit, output, _) = await RunAsync("audit", "verify", "--state", State);

        Assert.Equal(4, exit);
        Assert.Contains("first index that does not match: 3 (the entry is missing)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_ReorderedRows_NamesTheFirst()
    {
        await TamperAsync("""
            UPDATE access_log SET log_index = 1000000 WHERE log_index = 7;
            UPDATE access_log SET log_index = 7 WHERE log_index = 8;
            UPDATE access_log SET log_index = 8 WHERE log_index = 1000000;
            """);

        var (exit, output, _) = await RunAsync("audit", "verify", "--state", State);

        Assert.Equal(4, exit);
        Assert.Contains("first index that does not match: 7", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Receipt_SavedToAFile_VerifiesOfflineAfterAKeyRotation()
    {
        var license = await _s.IssueAsync("TA-RCPT");
        var receiptFile = Path.Combine(_folder, "receipt.json");
        var (verified, _, _) = await RunAsync("licenses", "verify", license.Identifier, "--purpose", "收据测试", "--save-receipt", receiptFile, "--api-key", _s.VerifierKeys[DataLevel.L2Internal]);
        Assert.Equal(0, verified);
        var logIndex = JsonDocument.Parse(File.ReadAllText(receiptFile)).RootElement.GetProperty("log_index").GetInt64();
        await AuditWaiter.CheckpointCoveringAsync(new AuditService.AuditServiceClient(_s.Hub.Channel(_s.AuditorKey)), logIndex);
        var bundle = Path.Combine(_folder, "bundle.json");
        var (proved, _, proveError) = await RunAsync("receipt", "prove", receiptFile, "--out", bundle);
        Assert.True(proved == 0, proveError);

        await _s.Admin.RotateSigningKeyAsync(new RotateSigningKeyRequest());

        // Offline: no URL, no key, no database — only the bundle.
        using var output = new StringWriter();
        var exit = await HubCtl.RunAsync(["receipt", "verify", bundle], new CliEnvironment(output, new StringWriter(), null));
        Assert.True(exit == 0, output.ToString());
        Assert.Contains("VERIFIED", output.ToString(), StringComparison.Ordinal);

        var forged = File.ReadAllText(bundle).Replace("收据测试", "伪造事由", StringComparison.Ordinal);
        File.WriteAllText(bundle, forged);
        using var forgedOutput = new StringWriter();
        Assert.Equal(4, await HubCtl.RunAsync(["receipt", "verify", bundle], new CliEnvironment(forgedOutput, new StringWriter(), null)));
        Assert.Contains("FAIL  LEAF", forgedOutput.ToString(), StringComparison.Ordinal);
    }

    private string State => Path.Combine(_folder, "audit-state.json");

    private async Task TamperAsync(string sql)
    {
        // What an attacker with database access could do: bypass the append-only trigger and edit rows.
        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        await connection.ExecuteAsync("ALTER TABLE access_log DISABLE TRIGGER USER");
        await connection.ExecuteAsync(sql);
        await connection.ExecuteAsync("ALTER TABLE access_log ENABLE TRIGGER USER");
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var hasKey = args.Contains("--api-key");
        string[] all = hasKey ? [.. args, "--url", _s.Hub.Server.BaseAddress.ToString()] : [.. args, "--url", _s.Hub.Server.BaseAddress.ToString(), "--api-key", _s.AuditorKey];
        var exit = await HubCtl.RunAsync(all, new CliEnvironment(output, error, _s.Hub.Server.CreateHandler()));
        return (exit, output.ToString(), error.ToString());
    }
}
