using System.Text;
using System.Text.Json;
using Dapper;
using Hub.Admin.V1;
using Hub.Audit.V1;
using Hub.Cli;
using Hub.Cli.Audit;
using Hub.Common.V1;
using Hub.Signing.Merkle;
using Hub.Signing.Sm2;
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

        // The auditor pins the log's keys once (and would check their ids out of band).
        var (saved, _, savedError) = await RunAsync("keys", "list", "--save-pem", Keys);
        Assert.True(saved == 0, savedError);
    }

    public async ValueTask DisposeAsync()
    {
        await _s.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task AuditVerify_UntouchedLog_IsOkAndSavesTheCheckpoint()
    {
        var (exit, output, error) = await RunAsync("audit", "verify", "--state", State, "--trusted-keys", Keys);

        Assert.True(exit == 0, output + error);
        Assert.Contains($"OK: {_size} entries recomputed", output, StringComparison.Ordinal);
        Assert.True(File.Exists(State));

        await _s.VerifyAsync((await _s.IssueAsync("TA-MORE")).Identifier);
        await AuditWaiter.CheckpointCoveringAsync(new AuditService.AuditServiceClient(_s.Hub.Channel(_s.AuditorKey)), _size);
        var (again, againOutput, _) = await RunAsync("audit", "verify", "--state", State, "--trusted-keys", Keys);
        Assert.Equal(0, again);
        Assert.Contains($"consistency with the saved checkpoint of size {_size}: OK", againOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_ChangedRow_NamesItsIndex()
    {
        await TamperAsync("UPDATE access_log SET entry_json = replace(entry_json, '\"OK\"', '\"DENIED\"') WHERE log_index = 5");

        var (exit, output, _) = await RunAsync("audit", "verify", "--state", State, "--trusted-keys", Keys);

        Assert.Equal(4, exit);
        Assert.Contains("first index that does not match: 5", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_DeletedRow_NamesItsIndex()
    {
        await TamperAsync("DELETE FROM access_log WHERE log_index = 3");

        var (exit, output, _) = await RunAsync("audit", "verify", "--state", State, "--trusted-keys", Keys);

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

        var (exit, output, _) = await RunAsync("audit", "verify", "--state", State, "--trusted-keys", Keys);

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
        var exit = await HubCtl.RunAsync(["receipt", "verify", bundle, "--trusted-keys", Keys], new CliEnvironment(output, new StringWriter(), null));
        Assert.True(exit == 0, output.ToString());
        Assert.Contains("VERIFIED", output.ToString(), StringComparison.Ordinal);

        var forged = File.ReadAllText(bundle).Replace("收据测试", "伪造事由", StringComparison.Ordinal);
        File.WriteAllText(bundle, forged);
        using var forgedOutput = new StringWriter();
        Assert.Equal(4, await HubCtl.RunAsync(["receipt", "verify", bundle, "--trusted-keys", Keys], new CliEnvironment(forgedOutput, new StringWriter(), null)));
        Assert.Contains("FAIL  LEAF", forgedOutput.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_InsiderRewriteOfEntryLeafAndRootColumn_FailsAndNamesTheIndex()
    {
        // An insider rewrites an entry, both copies of its leaf hash and the checkpoint's root column consistently:
        // only the signed checkpoint body still says what the log was.
        await RewriteConsistentlyAsync(4);

        var (exit, output, _) = await RunAsync("audit", "verify", "--state", State, "--trusted-keys", Keys);

        Assert.Equal(4, exit);
        Assert.Contains("first index that does not match: 4", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_WithoutPinnedKeys_RefusesToVerifyAgainstTheHubsOwnWord()
    {
        var (exit, _, error) = await RunAsync("audit", "verify", "--state", State);

        Assert.Equal(2, exit);
        Assert.Contains("pin the log's keys", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceiptVerify_ABundleSignedWithSomeoneElsesKey_IsRefused()
    {
        // A self-made bundle: a one-leaf tree, a checkpoint over it signed with one's own SM2 key, that key inside.
        const string Entry = "{\"action\":\"forged\",\"log_index\":0}";
        var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(Entry));
        var key = Sm2KeyPair.Generate();
        var checkpoint = new Checkpoint(LogTrust.DefaultOrigin, 1, leaf);
        var bundle = new ReceiptBundle(0, Convert.ToBase64String(leaf), Entry, checkpoint.Text, Convert.ToBase64String(key.Sign(checkpoint.Bytes)), key.KeyId, key.PublicKey.Pem, []);
        var file = Path.Combine(_folder, "forged-bundle.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(bundle));

        var (exit, output) = await VerifyOfflineAsync(file);

        Assert.Equal(4, exit);
        Assert.Contains("FAIL  CHECKPOINT_SIGNATURE", output, StringComparison.Ordinal);
        Assert.Contains("not one of the pinned keys", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReceiptVerify_ABundleWhoseCheckpointKeyWasRevoked_IsRefused()
    {
        var bundle = await ProveAsync("TA-REVOKED");
        var keyId = JsonDocument.Parse(File.ReadAllText(bundle)).RootElement.GetProperty("key_id").GetString()!;
        await _s.Admin.RevokeSigningKeyAsync(new RevokeSigningKeyRequest { KeyId = keyId, Reason = "私钥泄露演练" });
        var (saved, _, _) = await RunAsync("keys", "list", "--save-pem", Keys); // the auditor refreshes the revocations

        var (exit, output) = await VerifyOfflineAsync(bundle);

        Assert.Equal(0, saved);
        Assert.Equal(4, exit);
        Assert.Contains($"signed by key {keyId}, revoked at", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_IsASignedNoteWhoseLogLineVerifiesWithThePinnedKey()
    {
        var checkpoint = await new AuditService.AuditServiceClient(_s.Hub.Channel(_s.AuditorKey)).GetCheckpointAsync(new GetCheckpointRequest());
        var key = Sm2PublicKey.FromPem(File.ReadAllText(Path.Combine(Keys, checkpoint.KeyId + ".pem")));

        var parts = checkpoint.Note.Split("\n\n", 2);
        var line = parts[1].TrimEnd('\n').Split(' ');
        var signature = Convert.FromBase64String(line[2]);
        var (exit, output, _) = await RunAsync("audit", "checkpoint", "--trusted-keys", Keys);

        Assert.Equal(checkpoint.Checkpoint, parts[0] + "\n");
        Assert.Equal(["—", LogTrust.DefaultOrigin], line[..2]);
        Assert.Equal(CheckpointNote.KeyHash(LogTrust.DefaultOrigin, key), signature[..4]);
        Assert.True(key.Verify(Encoding.UTF8.GetBytes(checkpoint.Checkpoint), signature.AsSpan(4)));
        Assert.True(exit == 0, output);
        Assert.Contains("signature OK", output, StringComparison.Ordinal);
    }

    private string State => Path.Combine(_folder, "audit-state.json");

    private string Keys => Path.Combine(_folder, "pinned-keys");

    private async Task<(int Exit, string Output)> VerifyOfflineAsync(string bundle)
    {
        // Offline: no URL, no key, no database — only the bundle and the pinned keys.
        using var output = new StringWriter();
        var exit = await HubCtl.RunAsync(["receipt", "verify", bundle, "--trusted-keys", Keys], new CliEnvironment(output, new StringWriter(), null));
        return (exit, output.ToString());
    }

    private async Task<string> ProveAsync(string number)
    {
        var license = await _s.IssueAsync(number);
        var receiptFile = Path.Combine(_folder, number + "-receipt.json");
        var (verified, _, _) = await RunAsync("licenses", "verify", license.Identifier, "--purpose", "收据测试", "--save-receipt", receiptFile, "--api-key", _s.VerifierKeys[DataLevel.L2Internal]);
        Assert.Equal(0, verified);
        var logIndex = JsonDocument.Parse(File.ReadAllText(receiptFile)).RootElement.GetProperty("log_index").GetInt64();
        await AuditWaiter.CheckpointCoveringAsync(new AuditService.AuditServiceClient(_s.Hub.Channel(_s.AuditorKey)), logIndex);
        var bundle = Path.Combine(_folder, number + "-bundle.json");
        var (proved, _, proveError) = await RunAsync("receipt", "prove", receiptFile, "--out", bundle);
        Assert.True(proved == 0, proveError);
        return bundle;
    }

    /// <summary>The insider: changes an entry, then its leaf in access_log and merkle_nodes and the root column to match.</summary>
    private async Task RewriteConsistentlyAsync(long index)
    {
        await TamperAsync($"UPDATE access_log SET entry_json = replace(entry_json, '\"OK\"', '\"DENIED\"') WHERE log_index = {index}");
        await using var connection = new NpgsqlConnection(_s.Hub.ConnectionString);
        await connection.ExecuteAsync("ALTER TABLE access_log DISABLE TRIGGER USER");
        var json = await connection.ExecuteScalarAsync<string>("SELECT entry_json FROM access_log WHERE log_index = @index", new { index });
        var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(json!));
        await connection.ExecuteAsync("UPDATE access_log SET leaf_hash = @leaf WHERE log_index = @index", new { leaf, index });
        await connection.ExecuteAsync("ALTER TABLE access_log ENABLE TRIGGER USER");
        await connection.ExecuteAsync("UPDATE merkle_nodes SET hash = @leaf WHERE level = 0 AND idx = @index", new { leaf, index });
        var leaves = (await connection.QueryAsync<byte[]>("SELECT hash FROM merkle_nodes WHERE level = 0 AND idx < @size ORDER BY idx", new { size = _size })).ToList();
        var root = MerkleTree.Root(_size, new LeafListNodeSource(leaves));
        await connection.ExecuteAsync("UPDATE checkpoints SET root_hash = @root WHERE tree_size = @size", new { root, size = _size });
    }


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
