using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Audit.V1;
using Hub.Cli.Audit;
using Hub.Common.V1;
using Hub.Signing.Merkle;
using Hub.Verification.V1;

namespace Hub.Cli.Commands;

/// <summary>
/// <c>hubctl audit checkpoint|verify|history|query</c> and <c>hubctl receipt prove|verify</c>: the auditor's tools.
/// <c>audit verify</c> and <c>receipt verify</c> recompute everything locally.
/// </summary>
internal static class AuditCommand
{
    public const int TamperedExitCode = ExitCodes.NotVerified;

    public static Command Create(ConnectionOptions connection, CliEnvironment environment)
    {
        var command = new Command("audit", "Read and verify the tamper-evident access log (AUDITOR key)");
        command.Subcommands.Add(CheckpointCommand(connection, environment));
        command.Subcommands.Add(VerifyCommand(connection, environment));
        command.Subcommands.Add(HistoryCommand(connection, environment));
        return command;
    }

    public static Command Receipts(ConnectionOptions connection, CliEnvironment environment)
    {
        var command = new Command("receipt", "Prove and verify access-log receipts");
        var receiptFile = new Argument<FileInfo>("receipt") { Description = "A receipt saved as JSON (e.g. by `licenses verify --save-receipt`)" };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the bundle (receipt + checkpoint + proof + key)", Required = true };
        var prove = new Command("prove", "Fetch the latest checkpoint and the receipt's inclusion proof into one bundle file (AUDITOR key)") { receiptFile, output };
        prove.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var receipt = JsonSerializer.Deserialize<ReceiptBundle>(await File.ReadAllTextAsync(parsed.GetValue(receiptFile)!.FullName, cancellationToken))!;
            var audit = new AuditService.AuditServiceClient(channel);
            var checkpoint = await audit.GetCheckpointAsync(new GetCheckpointRequest(), cancellationToken: cancellationToken);
            var proof = await audit.GetInclusionProofAsync(new GetInclusionProofRequest { LogIndex = (ulong)receipt.LogIndex, TreeSize = checkpoint.TreeSize }, cancellationToken: cancellationToken);
            var keys = await new VerificationService.VerificationServiceClient(channel).GetSigningKeysAsync(new GetSigningKeysRequest(), cancellationToken: cancellationToken);
            var bundle = receipt with
            {
                Checkpoint = checkpoint.Checkpoint,
                Signature = checkpoint.Signature.ToBase64(),
                KeyId = checkpoint.KeyId,
                PublicKeyPem = keys.Keys.Single(k => k.KeyId == checkpoint.KeyId).PublicKeyPem,
                InclusionProof = [.. proof.Hashes.Select(h => h.ToBase64())],
                Note = checkpoint.Note,
            };
            await File.WriteAllTextAsync(parsed.GetValue(output)!.FullName, JsonSerializer.Serialize(bundle, Indented), cancellationToken);
            environment.Out.WriteLine($"wrote {parsed.GetValue(output)!.FullName}: entry {receipt.LogIndex} under checkpoint of size {checkpoint.TreeSize}");
        }));
        command.Subcommands.Add(prove);

        var bundleFile = new Argument<FileInfo>("bundle") { Description = "A bundle written by `hubctl receipt prove`" };
        var trust = new LogTrust();
        var verify = new Command("verify", "Check a receipt bundle offline against pinned keys: leaf hash, checkpoint signature, inclusion proof") { bundleFile };
        trust.AddTo(verify);
        verify.SetAction(async (parsed, cancellationToken) =>
        {
            var pinned = trust.Pinned(parsed);
            var bundle = JsonSerializer.Deserialize<ReceiptBundle>(await File.ReadAllTextAsync(parsed.GetValue(bundleFile)!.FullName, cancellationToken))!;
            var witnessing = bundle.Checkpoint is null ? null : trust.Witnessed(parsed, bundle.Checkpoint, bundle.Note);
            var results = OfflineVerifier.VerifyReceipt(bundle, pinned, trust.ExpectedOrigin(parsed), witnessing?.By);
            if (witnessing is not null)
            {
                results.Add(("WITNESSES", witnessing.Problem is null, witnessing.Problem ?? "the checkpoint is cosigned by the witnesses required"));
            }
            foreach (var (check, passed, detail) in results)
            {
                environment.Out.WriteLine($"  {(passed ? "pass" : "FAIL"),-4}  {check,-21} {detail}");
            }

            var ok = results.All(r => r.Passed);
            environment.Out.WriteLine(ok ? $"receipt {bundle.LogIndex} VERIFIED" : $"receipt {bundle.LogIndex} NOT VERIFIED");
            return ok ? 0 : TamperedExitCode;
        });
        command.Subcommands.Add(verify);
        return command;
    }

    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static Command CheckpointCommand(ConnectionOptions connection, CliEnvironment environment)
    {
        var trust = new LogTrust();
        var command = new Command("checkpoint", "Show the latest checkpoint as a signed note and check it against the pinned keys");
        trust.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var pinned = trust.Pinned(parsed);
            var believed = false;
            var exit = await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var (checkpoint, problem) = await BelievedCheckpointAsync(
                    channel, pinned, trust.ExpectedOrigin(parsed), (body, note) => trust.Witnessed(parsed, body, note), cancellationToken);
                connection.Output.Write(parsed, environment, checkpoint, () =>
                {
                    environment.Out.Write(checkpoint.Note.Length > 0 ? checkpoint.Note : checkpoint.Checkpoint);
                    environment.Out.WriteLine(problem is null ? $"— signed by pinned key {checkpoint.KeyId}: signature OK" : $"NOT BELIEVED: {problem}");
                });
                if (problem is not null && connection.Output.IsJson(parsed))
                {
                    environment.Error.WriteLine($"NOT BELIEVED: {problem}");
                }
                believed = problem is null;
            });
            return exit != 0 ? exit : believed ? 0 : TamperedExitCode;
        });
        return command;
    }

    /// <summary>
    /// The latest checkpoint and, when it is not to be believed, why: pinned keys plus the hub's revocations, and the
    /// cosignatures of the witnesses the auditor requires.
    /// </summary>
    private static async Task<(GetCheckpointResponse Checkpoint, string? Problem)> BelievedCheckpointAsync(
        Grpc.Net.Client.GrpcChannel channel, List<LogKey> pinned, string origin, Func<string, string, Witnessing> witnessed, CancellationToken cancellationToken)
    {
        var checkpoint = await new AuditService.AuditServiceClient(channel).GetCheckpointAsync(new GetCheckpointRequest(), cancellationToken: cancellationToken);
        var hubKeys = await new VerificationService.VerificationServiceClient(channel).GetSigningKeysAsync(new GetSigningKeysRequest(), cancellationToken: cancellationToken);
        var witnessing = witnessed(checkpoint.Checkpoint, checkpoint.Note);
        var (_, problem) = SignedCheckpoint.Verify(
            checkpoint.Checkpoint, checkpoint.Signature.Span, checkpoint.KeyId, origin, LogTrust.WithRevocations(pinned, hubKeys), witnessing.By);
        return (checkpoint, problem ?? witnessing.Problem);
    }

    private static Command VerifyCommand(ConnectionOptions connection, CliEnvironment environment)
    {
        var state = new Option<FileInfo?>("--state")
        {
            Description = "File keeping the last verified checkpoint between runs (default: audit-state.json in hubctl's state folder for this hub, see --state-dir)",
        };
        var trust = new LogTrust();
        var command = new Command("verify", "Recompute the whole log locally against the signed checkpoint (pinned keys); name the first index that does not match") { state };
        trust.AddTo(command);
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var pinned = trust.Pinned(parsed);
            var exit = 0;
            var result = await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var stateFile = parsed.GetValue(state) ?? connection.State.FileFor(parsed, connection.Address(parsed), "audit-state.json");
                environment.Error.WriteLine($"hubctl: the last verified checkpoint is kept in {stateFile.FullName}");
                if (!stateFile.Exists)
                {
                    // Without an earlier checkpoint this run proves the log as it is, not that it only grew since last time.
                    environment.Error.WriteLine("hubctl: no checkpoint was saved there before: this run cannot show whether the log was rewritten earlier; the next run can.");
                    if (parsed.GetValue(state) is null && File.Exists("audit-state.json"))
                    {
                        environment.Error.WriteLine("hubctl: ./audit-state.json exists (an earlier hubctl kept it here): pass --state audit-state.json to check against it.");
                    }
                }
                exit = await VerifyLogAsync(channel, pinned, trust.ExpectedOrigin(parsed), stateFile, environment.Out, (body, note) => trust.Witnessed(parsed, body, note), cancellationToken);
            });
            return result != 0 ? result : exit;
        });
        return command;
    }

    private static async Task<int> VerifyLogAsync(
        Grpc.Net.Client.GrpcChannel channel, List<LogKey> pinned, string origin, FileInfo stateFile, TextWriter output,
        Func<string, string, Witnessing> witnessed, CancellationToken cancellationToken)
    {
        var audit = new AuditService.AuditServiceClient(channel);
        var (checkpoint, problem) = await BelievedCheckpointAsync(channel, pinned, origin, witnessed, cancellationToken);
        if (problem is not null)
        {
            output.WriteLine($"FAIL: the checkpoint is not believed: {problem}");
            return TamperedExitCode;
        }

        // Size and root from the signed body only: the response's tree_size and root_hash fields are the hub's word.
        var signed = Checkpoint.Parse(checkpoint.Checkpoint);
        var size = signed.TreeSize;
        var root = signed.RootHash;
        output.WriteLine($"checkpoint: size {size}, signed by {checkpoint.KeyId}");
        if (stateFile.Exists && JsonSerializer.Deserialize<SavedCheckpoint>(await File.ReadAllTextAsync(stateFile.FullName, cancellationToken)) is { } saved)
        {
            var consistent = saved.TreeSize == size
                ? saved.RootHash == Convert.ToBase64String(root)
                : saved.TreeSize < size && MerkleTree.VerifyConsistency(saved.TreeSize, size, Convert.FromBase64String(saved.RootHash), root,
                    [.. (await audit.GetConsistencyProofAsync(new GetConsistencyProofRequest { FromSize = (ulong)saved.TreeSize, ToSize = (ulong)size }, cancellationToken: cancellationToken)).Hashes.Select(h => h.ToByteArray())]);
            output.WriteLine($"consistency with the saved checkpoint of size {saved.TreeSize}: {(consistent ? "OK" : "FAIL — the log was rewritten")}");
            if (!consistent)
            {
                return TamperedExitCode;
            }
        }

        // Recompute every leaf from its entry, then the root from the checkpointed leaves; the first index where the
        // entry no longer produces the leaf the signed tree was built from is the first altered entry.
        var checkpointed = new List<byte[]>((int)Math.Min(size, int.MaxValue));
        var recomputedLeaves = new List<byte[]>((int)Math.Min(size, int.MaxValue));
        long? firstBad = null;
        var reason = string.Empty;
        for (long from = 0; from < size; from += 1000)
        {
            var count = (uint)Math.Min(1000, size - from);
            var page = await audit.GetEntriesAsync(new GetEntriesRequest { FromIndex = (ulong)from, Count = count }, cancellationToken: cancellationToken);
            var byIndex = page.Entries.ToDictionary(e => (long)e.LogIndex);
            for (var i = from; i < from + count; i++)
            {
                if (!byIndex.TryGetValue(i, out var entry))
                {
                    checkpointed.Add(new byte[MerkleTree.HashSize]);
                    recomputedLeaves.Add(new byte[MerkleTree.HashSize]);
                    if (firstBad is null)
                    {
                        (firstBad, reason) = (i, "the entry is missing");
                    }

                    continue;
                }

                checkpointed.Add(entry.CheckpointedLeafHash.ToByteArray());
                var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(entry.EntryJson));
                recomputedLeaves.Add(leaf);
                var named = JsonDocument.Parse(entry.EntryJson).RootElement.TryGetProperty("log_index", out var li) ? li.GetInt64() : -1;
                if (firstBad is null && (!leaf.AsSpan().SequenceEqual(entry.CheckpointedLeafHash.Span) || named != i))
                {
                    (firstBad, reason) = (i, named != i ? $"the entry stored at {i} names index {named}" : "the entry does not hash to the leaf the signed tree holds");
                }
            }
        }

        // The leaves recomputed from the entries themselves, not the ones the hub says the tree holds.
        var recomputed = new LeafListNodeSource(recomputedLeaves);
        var recomputedRoot = size == 0 ? MerkleTree.EmptyRoot() : MerkleTree.Root(size, recomputed);
        if (!recomputedRoot.AsSpan().SequenceEqual(root) && firstBad is null)
        {
            var first = await FirstUnprovenIndexAsync(audit, recomputed, size, root, cancellationToken);
            output.WriteLine($"FAIL: first index that does not match: {first} (the entries up to it are proven against the signed checkpoint; from it on they do not hash to the signed root)");
            return TamperedExitCode;
        }

        if (firstBad is { } bad)
        {
            output.WriteLine($"FAIL: first index that does not match: {bad} ({reason})");
            return TamperedExitCode;
        }

        await File.WriteAllTextAsync(stateFile.FullName, JsonSerializer.Serialize(new SavedCheckpoint(size, Convert.ToBase64String(root), checkpoint.Checkpoint)), cancellationToken);
        output.WriteLine($"OK: {size} entries recomputed; root matches the signed checkpoint; state saved to {stateFile.FullName}");
        return 0;
    }

    private static Command HistoryCommand(ConnectionOptions connection, CliEnvironment environment)
    {
        var idType = new Option<string>("--holder-id-type") { DefaultValueFactory = _ => "CITIZEN_ID", Description = "CITIZEN_ID, USCC, …" };
        var id = new Option<string>("--holder-id") { Description = "The holder's identifier", Required = true };
        var command = new Command("history", "Who used this holder's data, when, for which matter and why (AUDITOR or PORTAL key)") { idType, id };
        command.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var type = Enum.TryParse<HolderIdType>(parsed.GetValue(idType)!.Replace("_", string.Empty, StringComparison.Ordinal), true, out var t) ? t : HolderIdType.Unspecified;
            var history = await new AuditService.AuditServiceClient(channel).GetHolderAccessHistoryAsync(
                new GetHolderAccessHistoryRequest { Holder = new Holder { IdType = type, IdNumber = parsed.GetValue(id)! } }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, history, () =>
            {
                var table = new TextTable("LOG_INDEX", $"TIME ({connection.Output.ZoneLabel(parsed)})", "WHO (单位 / 系统)", "ACTION", "PURPOSE (事由)", "MATTER (事项)", "FIELDS (字段)") { MaxCellWidth = 48 };
                foreach (var e in history.Entries)
                {
                    table.Add(e.LogIndex.ToString(CultureInfo.InvariantCulture), connection.Output.Time(parsed, e.OccurredAt), $"{e.CallerOrgName} / {e.CallerSystemName}", e.Action, e.Purpose, e.MatterCode, string.Join(',', e.Fields));
                }

                table.WriteTo(environment.Out);
                environment.Out.WriteLine($"{history.Entries.Count} entries");
            });
        }));
        return command;
    }

    /// <summary>
    /// Where the entries stop matching the signed tree: the smallest size m whose prefix of recomputed leaves cannot be
    /// proven consistent with the signed root. Every proof that verifies is the signed tree's own (the hub cannot forge
    /// one), so the entries before the index returned are exactly as signed; binary search, O(log n) proofs.
    /// </summary>
    private static async Task<long> FirstUnprovenIndexAsync(AuditService.AuditServiceClient audit, LeafListNodeSource recomputed, long size, byte[] root, CancellationToken cancellationToken)
    {
        async Task<bool> PrefixProvenAsync(long m)
        {
            if (m == size)
            {
                return MerkleTree.Root(size, recomputed).AsSpan().SequenceEqual(root);
            }

            try
            {
                var proof = await audit.GetConsistencyProofAsync(new GetConsistencyProofRequest { FromSize = (ulong)m, ToSize = (ulong)size }, cancellationToken: cancellationToken);
                return MerkleTree.VerifyConsistency(m, size, MerkleTree.Root(m, recomputed), root, [.. proof.Hashes.Select(h => h.ToByteArray())]);
            }
            catch (Grpc.Core.RpcException)
            {
                return false;
            }
        }

        // Invariant: the prefix of size `proven` is proven; the prefix of size `unproven` is not.
        long proven = 0, unproven = size;
        while (unproven - proven > 1)
        {
            var middle = proven + ((unproven - proven) / 2);
            if (await PrefixProvenAsync(middle))
            {
                proven = middle;
            }
            else
            {
                unproven = middle;
            }
        }

        return proven;
    }

    private sealed record SavedCheckpoint(long TreeSize, string RootHash, string Checkpoint);
}
