using System.Text;
using Hub.Cli.Witness;
using Hub.Signing.Merkle;
using Hub.Signing.Sm2;
using Hub.Tests.Support;

namespace Hub.Tests.Cli;

/// <summary>
/// The witness (C2SP tlog-witness, tlog-cosignature): 200 with a cosignature for a consistent extension, 409 with its
/// latest size for a stale old size, 422 for a bad proof, 403 for an unknown log or signature — and never two roots
/// for one size, neither for a forked log nor across a kill -9. Its cosignatures verify in Node.js with Node's own
/// Ed25519.
/// </summary>
public sealed class WitnessTests : IDisposable
{
    private const string Origin = "hub.xa.gov.cn/access-log";
    private const string WitnessName = "witness.sx.gov.cn";
    private readonly string _folder = Directory.CreateTempSubdirectory("hub-tests-witness-").FullName;
    private readonly Sm2KeyPair _log = Sm2KeyPair.Generate();
    private readonly List<byte[]> _leaves = [.. Enumerable.Range(0, 40).Select(i => MerkleTree.LeafHash(Encoding.UTF8.GetBytes($"entry {i}")))];

    [Fact]
    public void A_consistent_extension_is_cosigned_a_stale_old_size_is_409_a_bad_proof_422_an_unknown_log_or_signature_403()
    {
        using var state = new WitnessState(State);
        var witness = Witness(state);

        var first = witness.AddCheckpoint(Request(0, 10));
        var extended = witness.AddCheckpoint(Request(10, 20));
        var stale = witness.AddCheckpoint(Request(10, 30));
        var badProof = witness.AddCheckpoint(Request(20, 30, proofFrom: 15));
        var unknownLog = witness.AddCheckpoint(Request(20, 30, origin: "other.gov.cn/log"));
        var forgedSignature = witness.AddCheckpoint(Request(20, 30, signer: Sm2KeyPair.Generate()));

        Assert.Equal((200, "text/x.tlog.signature"), (first.Status, first.ContentType));
        Assert.True(Cosignature.TryParseVerifierKey(File.ReadAllText(Path.Combine(State, "witness.vkey")), out var name, out var key));
        Assert.NotNull(Cosignature.Verify(first.Body.TrimEnd('\n'), name, key, new Checkpoint(Origin, 10, Root(10, _leaves)).Text));
        Assert.Equal(200, extended.Status);
        Assert.Equal((409, "20\n"), (stale.Status, stale.Body));
        Assert.Equal(422, badProof.Status);
        Assert.Equal(403, unknownLog.Status);
        Assert.Equal(403, forgedSignature.Status);
    }

    [Fact]
    public void A_forked_log_gets_no_cosignature_beyond_the_fork()
    {
        using var state = new WitnessState(State);
        var witness = Witness(state);
        Assert.Equal(200, witness.AddCheckpoint(Request(0, 20)).Status);

        // A copy of the database given other entries from 20 on: same prefix, another root at 30.
        var forked = new List<byte[]>(_leaves[..20]);
        forked.AddRange(Enumerable.Range(20, 20).Select(i => MerkleTree.LeafHash(Encoding.UTF8.GetBytes($"forked {i}"))));
        var honest = witness.AddCheckpoint(Request(20, 30));
        var fork = witness.AddCheckpoint(Request(20, 30, leaves: forked));
        var forkFromTheTop = witness.AddCheckpoint(Request(30, 30, leaves: forked));

        Assert.Equal(200, honest.Status);
        Assert.Equal(409, fork.Status);             // 20 is no longer the latest size it cosigned
        Assert.Equal(422, forkFromTheTop.Status);   // same size, another root: never cosigned
    }

    [Fact]
    public void Restarted_on_the_same_state_it_remembers_what_it_cosigned_and_a_second_witness_cannot_share_the_folder()
    {
        using (var state = new WitnessState(State))
        {
            Assert.Equal(200, Witness(state).AddCheckpoint(Request(0, 25)).Status);
            Assert.Throws<Hub.Cli.CliUsageException>(() => new WitnessState(State));
        }

        using var again = new WitnessState(State);
        Assert.Equal((409, "25\n"), (Witness(again).AddCheckpoint(Request(0, 25)).Status, Witness(again).AddCheckpoint(Request(0, 25)).Body));
    }

    [Fact]
    public async Task The_witness_process_survives_kill_9_without_ever_cosigning_a_second_root_and_node_verifies_its_cosignatures()
    {
        var logKey = Path.Combine(_folder, "log.pem");
        await File.WriteAllTextAsync(logKey, _log.PublicKey.Pem);
        var port = Hub.Server.Infrastructure.Embedded.LoopbackPorts.Choose(0);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

        using (await WitnessProcess.StartAsync(port, State, WitnessName, Origin, logKey))
        {
            var cosigned = await PostAsync(http, Request(0, 12));
            Assert.Equal(200, (int)cosigned.StatusCode);
            var line = (await cosigned.Content.ReadAsStringAsync()).TrimEnd('\n');
            var body = Path.Combine(_folder, "body.txt");
            await File.WriteAllTextAsync(body, new Checkpoint(Origin, 12, Root(12, _leaves)).Text);
            var vkey = (await File.ReadAllTextAsync(Path.Combine(State, "witness.vkey"))).Trim();
            var (verified, output) = ExternalTool.Run("node", Path.Combine(HubProcess.RepositoryRoot, "tools", "node-client", "verify-cosignature.js"), vkey, body, line);
            Assert.True(verified == 0, output);
        }

        using (await WitnessProcess.StartAsync(port, State, WitnessName, Origin, logKey))
        {
            var forked = new List<byte[]>(_leaves[..5]);
            forked.AddRange(Enumerable.Range(5, 35).Select(i => MerkleTree.LeafHash(Encoding.UTF8.GetBytes($"forked {i}"))));
            Assert.Equal(409, (int)(await PostAsync(http, Request(0, 12, leaves: forked))).StatusCode);
            Assert.Equal(422, (int)(await PostAsync(http, Request(12, 12, leaves: forked))).StatusCode);
            Assert.Equal(200, (int)(await PostAsync(http, Request(12, 20))).StatusCode);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string State => Path.Combine(_folder, "state");

    private CheckpointWitness Witness(WitnessState state) => new(
        WitnessName, WitnessKey.LoadOrCreate(State, WitnessName), new Dictionary<string, Sm2PublicKey> { [Origin] = _log.PublicKey }, state, TimeProvider.System);

    /// <summary>An add-checkpoint body: old size, the consistency proof from it (or from another size), the signed note.</summary>
    private string Request(long oldSize, long size, long? proofFrom = null, string origin = Origin, Sm2KeyPair? signer = null, List<byte[]>? leaves = null)
    {
        leaves ??= _leaves;
        var from = proofFrom ?? oldSize;
        var source = new LeafListNodeSource(leaves);
        var proof = from > 0 && from < size ? MerkleTree.ConsistencyProof(from, size, source) : [];
        var body = new Checkpoint(origin, size, Root(size, leaves)).Text;
        var key = signer ?? _log;
        var note = CheckpointNote.Write(body, origin, key.PublicKey, key.Sign(Encoding.UTF8.GetBytes(body)));
        return $"old {oldSize}\n" + string.Concat(proof.Select(p => Convert.ToBase64String(p) + "\n")) + "\n" + note;
    }

    private static byte[] Root(long size, List<byte[]> leaves) => MerkleTree.Root(size, new LeafListNodeSource(leaves));

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string body) =>
        http.PostAsync("/add-checkpoint", new StringContent(body, Encoding.UTF8, "text/plain"));
}
