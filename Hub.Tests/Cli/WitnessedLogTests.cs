using Hub.Audit.V1;
using Hub.Cli;
using Hub.Cli.Audit;
using Hub.Cli.Witness;
using Hub.Signing.Merkle;
using Hub.Tests.Support;
using Hub.Verification.V1;

namespace Hub.Tests.Cli;

/// <summary>
/// The hub sends each checkpoint to its witness (Hub:Audit:Witnesses), keeps the cosignature in GetCheckpoint.note,
/// and an auditor requires it: `hubctl audit verify --witness VKEY --quorum K` and receipt bundles carry the note.
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
            Assert.Equal(0, await RunAsync(s, "keys", "list", "--save-pem", pinned));
            var other = Path.Combine(_folder, "other.vkey");
            WitnessKey.LoadOrCreate(Directory.CreateDirectory(Path.Combine(_folder, "other")).FullName, "other.witness");
            File.Copy(Path.Combine(_folder, "other", "witness.vkey"), other);

            var one = await RunAsync(s, "audit", "checkpoint", "--trusted-keys", pinned, "--witness", vkey);
            var two = await RunAsync(s, "audit", "checkpoint", "--trusted-keys", pinned, "--witness", vkey, "--witness", other, "--quorum", "2");

            Assert.Equal(0, one);
            Assert.Equal(4, two);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<int> RunAsync(LicenseScenario s, params string[] args)
    {
        using var output = new StringWriter();
        return await HubCtl.RunAsync([.. args, "--url", s.Hub.Server.BaseAddress.ToString(), "--api-key", s.AuditorKey], new CliEnvironment(output, new StringWriter(), s.Hub.Server.CreateHandler()));
    }
}
