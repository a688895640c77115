using System.Diagnostics.Metrics;
using Grpc.Health.V1;
using Hub.Admin.V1;
using Hub.Audit.V1;
using Hub.Cli;
using Hub.Cli.Audit;
using Hub.Cli.Witness;
using Hub.Server.Audit;
using Hub.Signing.Merkle;
using Hub.Tests.Support;
using Hub.Verification.V1;
using Microsoft.Extensions.DependencyInjection;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Hub.Tests.Cli;

/// <summary>
/// The hub sends each checkpoint to its witness (Hub:Audit:Witnesses), keeps the cosignature in GetCheckpoint.note,
/// and an auditor requires it: `hubctl audit verify --witness VKEY --quorum K` and receipt bundles carry the note. A
/// witness that does not answer shows in health and metrics; its cosignature keeps a revoked key's earlier
/// checkpoints believable; and two hubs forked from one copied database cannot both be cosigned beyond the fork.
/// </summary>
public sealed class WitnessedLogTests(PostgresCluster postgres) : IDisposable
{
    private const string WitnessName = "witness.sx.gov.cn";
    private readonly string _folder = Directory.CreateTempSubdirectory("hub-tests-witnessed-").FullName;

    [Fact]
    public async Task Checkpoints_get_the_witness_cosignature_and_audit_verify_requires_the_quorum()
    {
        var witnessState = Path.Combine(_folder, "witness");
        Directory.CreateDirectory(witnessState);
        WitnessKey.LoadOrCreate(witnessState, WitnessName); // the key the witness process will use
        var vkey = Path.Combine(witnessState, "witness.vkey");
        var port = Hub.Server.Infrastructure.Embedded.LoopbackPorts.Choose(0);
        await using var s = await LicenseScenario.CreateAsync(new HubFactory(postgres, new Dictionary<string, string?>
        {
            ["Hub:Audit:Witnesses:0:Url"] = $"http://127.0.0.1:{port}",
            ["Hub:Audit:Witnesses:0:VerifierKey"] = (await File.ReadAllTextAsync(vkey)).Trim(),
        }));
        var keys = await new VerificationService.VerificationServiceClient(s.Hub.Channel()).GetSigningKeysAsync(new GetSigningKeysRequest());
        var logKey = Path.Combine(_folder, "log.pem");
        await File.WriteAllTextAsync(logKey, keys.Keys.Single(k => k.Status == KeyStatus.Active).PublicKeyPem);
        var audit = new AuditService.AuditServiceClient(s.Hub.Channel(s.AuditorKey));

        using (await WitnessProcess.StartAsync(port, witnessState, WitnessName, LogTrust.DefaultOrigin, logKey))
        {
            GetCheckpointResponse? cosigned = null;
            for (var attempt = 0; attempt < 100 && cosigned is null; attempt++)
            {
                await s.VerifyAsync((await s.IssueAsync($"WL-{attempt:000}")).Identifier);
                var latest = await audit.GetCheckpointAsync(new GetCheckpointRequest());
                cosigned = latest.Note.Contains($"\n— {WitnessName} ", StringComparison.Ordinal) ? latest : null;
                await Task.Delay(200);
            }

            Assert.NotNull(cosigned);
            Assert.True(Cosignature.TryParseVerifierKey(await File.ReadAllTextAsync(vkey), out var name, out var key));
            var line = CheckpointNote.Split(cosigned.Note)!.Value.Lines.Single(l => l.StartsWith($"— {WitnessName} ", StringComparison.Ordinal));
            Assert.NotNull(Cosignature.Verify(line, name, key, cosigned.Checkpoint));
            var body = Path.Combine(_folder, "body.txt");
            await File.WriteAllTextAsync(body, cosigned.Checkpoint);
            var (node, nodeOutput) = ExternalTool.Run("node", Path.Combine(HubProcess.RepositoryRoot, "tools", "node-client", "verify-cosignature.js"), (await File.ReadAllTextAsync(vkey)).Trim(), body, line);
            Assert.True(node == 0, nodeOutput); // the note's line, checked with Node's own Ed25519

            // The auditor requires the witness: one cosignature of the two witnesses it names is not a quorum of two.
            var pinned = Path.Combine(_folder, "pinned");
            Assert.Equal(0, (await RunAsync(s, "keys", "list", "--save-pem", pinned)).Exit);
            var other = Path.Combine(_folder, "other.vkey");
            WitnessKey.LoadOrCreate(Directory.CreateDirectory(Path.Combine(_folder, "other")).FullName, "other.witness");
            File.Copy(Path.Combine(_folder, "other", "witness.vkey"), other);

            var one = await RunAsync(s, "audit", "checkpoint", "--trusted-keys", pinned, "--witness", vkey);
            var two = await RunAsync(s, "audit", "checkpoint", "--trusted-keys", pinned, "--witness", vkey, "--witness", other, "--quorum", "2");

            Assert.Equal(0, one.Exit);
            Assert.Equal(4, two.Exit);
        }
    }

    [Fact]
    public async Task A_witness_that_does_not_answer_shows_in_health_and_metrics_the_log_goes_on_and_it_is_asked_again_when_back()
    {
        var (state, vkey, port) = NewWitness("down");
        await using var s = await LicenseScenario.CreateAsync(new HubFactory(postgres, WitnessSettings(port, vkey)));
        var logKey = await SaveLogKeyAsync(s.Hub, "down-log.pem");
        var audit = new AuditService.AuditServiceClient(s.Hub.Channel(s.AuditorKey));
        var health = new Health.HealthClient(s.Hub.Channel());

        // Nothing listens on the witness's port: the hub goes on checkpointing and says so.
        var before = await AuditWaiter.CheckpointCoveringAsync(audit, (long)(await s.VerifyAsync((await s.IssueAsync("WD-001")).Identifier)).Receipt.LogIndex);
        await Eventually(async () => (await health.CheckAsync(new HealthCheckRequest { Service = "witnesses" })).Status == ServingStatus.NotServing);
        var after = await AuditWaiter.CheckpointCoveringAsync(audit, (long)(await s.VerifyAsync((await s.IssueAsync("WD-002")).Identifier)).Receipt.LogIndex);
        var (exit, output) = await RunAsync(s, "health");

        Assert.True(after.TreeSize > before.TreeSize);
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(0, exit); // the hub serves without its witnesses
        Assert.True(output.Contains("witnesses: NOT_SERVING", StringComparison.Ordinal), output);
        Assert.Equal(0, Gauges(s.Hub, "hub.audit.witness.up")[WitnessName]);
        Assert.DoesNotContain($"— {WitnessName} ", after.Note, StringComparison.Ordinal);

        // Back again: the latest checkpoint is sent again without waiting for new entries, and cosigned.
        using (await WitnessProcess.StartAsync(port, state, WitnessName, LogTrust.DefaultOrigin, logKey))
        {
            await Eventually(async () => (await health.CheckAsync(new HealthCheckRequest { Service = "witnesses" })).Status == ServingStatus.Serving);
            var latest = await audit.GetCheckpointAsync(new GetCheckpointRequest());

            Assert.Contains($"— {WitnessName} ", latest.Note, StringComparison.Ordinal);
            Assert.Equal(1, Gauges(s.Hub, "hub.audit.witness.up")[WitnessName]);
            Assert.Equal((long)latest.TreeSize, Gauges(s.Hub, "hub.audit.witness.cosigned_tree_size")[WitnessName]);
        }
    }

    [Fact]
    public async Task A_receipt_whose_key_was_revoked_after_the_witness_cosigned_it_verifies_with_that_witness_and_not_without()
    {
        var (state, vkey, port) = NewWitness("revoked");
        await using var s = await LicenseScenario.CreateAsync(new HubFactory(postgres, WitnessSettings(port, vkey)));
        var logKey = await SaveLogKeyAsync(s.Hub, "revoked-log.pem");
        var pinned = Path.Combine(_folder, "revoked-pinned");
        string bundle;
        using (await WitnessProcess.StartAsync(port, state, WitnessName, LogTrust.DefaultOrigin, logKey))
        {
            var license = await s.IssueAsync("WR-001");
            var receipt = Path.Combine(_folder, "revoked-receipt.json");
            Assert.Equal(0, (await RunAsync(s, "licenses", "verify", license.Identifier, "--purpose", "收据测试", "--save-receipt", receipt, "--api-key", s.VerifierKeys[Hub.Common.V1.DataLevel.L2Internal])).Exit);
            bundle = Path.Combine(_folder, "revoked-bundle.json");
            var logIndex = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(receipt)).RootElement.GetProperty("log_index").GetInt64();
            await AuditWaiter.CheckpointCoveringAsync(new AuditService.AuditServiceClient(s.Hub.Channel(s.AuditorKey)), logIndex);
            await Eventually(async () =>
            {
                var proved = await RunAsync(s, "receipt", "prove", receipt, "--out", bundle);
                Assert.True(proved.Exit == 0, proved.Output);
                return System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(bundle)).RootElement.GetProperty("note").GetString()!.Contains($"— {WitnessName} ", StringComparison.Ordinal);
            });
        }

        // Later the key is revoked; the auditor refreshes the revocations it pinned.
        await s.Admin.RevokeSigningKeyAsync(new RevokeSigningKeyRequest { KeyId = File.ReadAllText(bundle).Split("\"key_id\": \"")[1].Split('"')[0], Reason = "私钥泄露演练" });
        Assert.Equal(0, (await RunAsync(s, "keys", "list", "--save-pem", pinned)).Exit);

        var alone = await VerifyOfflineAsync(bundle, "--trusted-keys", pinned);
        var witnessed = await VerifyOfflineAsync(bundle, "--trusted-keys", pinned, "--witness", vkey);

        Assert.Equal(4, alone.Exit);
        Assert.Contains("revoked at", alone.Output, StringComparison.Ordinal);
        Assert.True(witnessed.Exit == 0, witnessed.Output); // the witness's timestamp proves the checkpoint predates the revocation
        Assert.Contains("VERIFIED", witnessed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_hubs_forked_from_one_copied_database_cannot_both_get_cosignatures_beyond_the_fork()
    {
        var (state, vkey, port) = NewWitness("fork");
        var settings = WitnessSettings(port, vkey);
        settings["Hub:Secrets:MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)); // the insider has it too
        var database = postgres.CreateDatabase();
        var s = await LicenseScenario.CreateAsync(new HubFactory(database, settings));
        var logKey = await SaveLogKeyAsync(s.Hub, "fork-log.pem");
        var license = await s.IssueAsync("WF-001");
        using var witness = await WitnessProcess.StartAsync(port, state, WitnessName, LogTrust.DefaultOrigin, logKey);
        await CosignedAsync(s.Hub, s.AuditorKey, () => s.VerifyAsync(license.Identifier));
        await s.DisposeAsync();
        long fork;
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            fork = await Dapper.SqlMapper.ExecuteScalarAsync<long>(connection, "SELECT size FROM log_head"); // the history both copies share
        }

        // The database is copied; the original and the copy each run a hub, with the same keys, and each grows its own history.
        await using var original = new HubFactory(database, settings);
        await using var copy = new HubFactory(postgres.CopyDatabase(database), settings);
        var hubs = new[] { original, copy };
        Task Grow(HubFactory hub) => new VerificationService.VerificationServiceClient(hub.Channel(s.VerifierKeys[Hub.Common.V1.DataLevel.L2Internal]))
            .VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = license.Identifier, Purpose = "分叉测试", CaseNumber = LicenseScenario.CaseNumber }).ResponseAsync;

        var cosignedBeyond = new long[2];
        for (var round = 0; round < 60 && cosignedBeyond.Count(size => size > fork) < 2; round++)
        {
            foreach (var hub in hubs)
            {
                await Grow(hub);
            }

            await Task.Delay(200);
            for (var i = 0; i < hubs.Length; i++)
            {
                var latest = await new AuditService.AuditServiceClient(hubs[i].Channel(s.AuditorKey)).GetCheckpointAsync(new GetCheckpointRequest());
                cosignedBeyond[i] = latest.Note.Contains($"— {WitnessName} ", StringComparison.Ordinal) ? Math.Max(cosignedBeyond[i], (long)latest.TreeSize) : cosignedBeyond[i];
            }

            if (round >= 20 && cosignedBeyond.Count(size => size > fork) == 1)
            {
                break; // one side has been cosigned beyond the fork for a while; the other has had every chance
            }
        }

        var winner = Array.FindIndex(cosignedBeyond, size => size > fork);
        Assert.True(winner >= 0, $"neither side was cosigned beyond the fork at {fork}");
        var loser = hubs[1 - winner].Services.GetRequiredService<WitnessStatus>().Answers[WitnessName];
        Assert.True(cosignedBeyond[1 - winner] <= fork, $"both sides were cosigned beyond the fork at {fork}: {string.Join(", ", cosignedBeyond)}");
        Assert.Equal(WitnessOutcome.Refused, loser.Outcome);
        Assert.Matches("HTTP (409|422)", loser.Detail);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (string State, string VerifierKeyFile, int Port) NewWitness(string name)
    {
        var state = Directory.CreateDirectory(Path.Combine(_folder, name + "-witness")).FullName;
        WitnessKey.LoadOrCreate(state, WitnessName); // the key the witness process will use
        return (state, Path.Combine(state, "witness.vkey"), Hub.Server.Infrastructure.Embedded.LoopbackPorts.Choose(0));
    }

    private static Dictionary<string, string?> WitnessSettings(int port, string verifierKeyFile) => new()
    {
        ["Hub:Audit:Witnesses:0:Url"] = $"http://127.0.0.1:{port}",
        ["Hub:Audit:Witnesses:0:VerifierKey"] = File.ReadAllText(verifierKeyFile).Trim(),
    };

    /// <summary>The hub's active log key, saved where the witness is told to find it (the witness pins it too).</summary>
    private async Task<string> SaveLogKeyAsync(HubFactory hub, string fileName)
    {
        var keys = await new VerificationService.VerificationServiceClient(hub.Channel()).GetSigningKeysAsync(new GetSigningKeysRequest());
        var file = Path.Combine(_folder, fileName);
        await File.WriteAllTextAsync(file, keys.Keys.Single(k => k.Status == KeyStatus.Active).PublicKeyPem);
        return file;
    }

    /// <summary>Adds entries until the latest checkpoint carries the witness's cosignature; returns its size.</summary>
    private static async Task<long> CosignedAsync(HubFactory hub, string auditorKey, Func<Task> grow)
    {
        var audit = new AuditService.AuditServiceClient(hub.Channel(auditorKey));
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await grow();
            var latest = await audit.GetCheckpointAsync(new GetCheckpointRequest());
            if (latest.Note.Contains($"\n— {WitnessName} ", StringComparison.Ordinal))
            {
                return (long)latest.TreeSize;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the witness never cosigned a checkpoint");
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        // 30 s: the hub asks again each checkpoint interval (100 ms here), but a loaded two-core CI machine running
        // the rest of the suite has been seen to take over 15 s to start the witness and reconnect.
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the condition did not hold within 30 s");
    }

    /// <summary>The current values of one of the hub's witness gauges (meter Hub.Audit), by witness name.</summary>
    private static Dictionary<string, long> Gauges(HubFactory hub, string instrument)
    {
        var scope = hub.Services.GetRequiredService<IMeterFactory>();
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == WitnessStatus.MeterName && i.Meter.Scope == scope && i.Name == instrument)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        void Record(ReadOnlySpan<KeyValuePair<string, object?>> tags, long value)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "witness")
                {
                    values[(string)tag.Value!] = value;
                }
            }
        }

        listener.SetMeasurementEventCallback<int>((_, value, tags, _) => Record(tags, value));
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => Record(tags, value));
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    private static async Task<(int Exit, string Output)> VerifyOfflineAsync(params string[] args)
    {
        using var output = new StringWriter();
        var exit = await HubCtl.RunAsync(["receipt", "verify", .. args], new CliEnvironment(output, new StringWriter(), null));
        return (exit, output.ToString());
    }

    private static async Task<(int Exit, string Output)> RunAsync(LicenseScenario s, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var withKey = args.Contains("--api-key") ? args : [.. args, "--api-key", s.AuditorKey];
        var exit = await HubCtl.RunAsync([.. withKey, "--url", s.Hub.Server.BaseAddress.ToString()], new CliEnvironment(output, error, s.Hub.Server.CreateHandler()));
        return (exit, output.ToString() + error);
    }
}
