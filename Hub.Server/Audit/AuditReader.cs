using Google.Protobuf;
using Hub.Audit.V1;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Validation;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Keys;
using Hub.Signing.Merkle;
using Hub.Signing.Sm2;
using Microsoft.Extensions.Options;

namespace Hub.Server.Audit;

/// <summary>
/// What auditors (and holders, through the portal) read from the access log: entries, checkpoints and proofs.
/// Reading the log about a holder is itself an access, and is logged.
/// </summary>
public sealed class AuditReader(
    IAuditStore store,
    ICheckpointStore checkpoints,
    DataProtector protector,
    IAccessLog accessLog,
    ISigningKeyRing keys,
    IOptions<AuditOptions> options,
    ILogger<AuditReader> logger)
{
    public const int MaxEntriesPerCall = 1000;

    public async Task<Outcome<QueryAccessLogResponse>> QueryAsync(Caller caller, QueryAccessLogCommand command, CancellationToken cancellationToken)
    {
        var holderIndex = command.Holder is { } holder ? protector.BlindIndex(holder.IdType, holder.IdNumber) : null;
        var (entries, next) = await store.QueryAsync(command.Filter with { HolderIndex = holderIndex }, command.Page, cancellationToken);
        await accessLog.AppendAsync(
            new AccessRecord { CallerId = caller.Id, Action = AuditActions.AuditQueryAccessLog, ObjectType = AuditObjects.AccessLog, HolderIndex = holderIndex, Outcome = $"OK:{entries.Count}" },
            cancellationToken);
        return new QueryAccessLogResponse { Entries = { entries }, NextPageToken = next };
    }

    public async Task<Outcome<GetHolderAccessHistoryResponse>> HolderHistoryAsync(Caller caller, HolderHistoryCommand command, CancellationToken cancellationToken)
    {
        // An auditor reads anyone's history; the portal only that of the holder it authenticated.
        if (!caller.Has(Role.Auditor) && PortalActingFor.Refusal(caller, command.Holder) is { } notAsserted)
        {
            return notAsserted;
        }

        var holderIndex = protector.BlindIndex(command.Holder.IdType, command.Holder.IdNumber);
        var (entries, next) = await store.HolderHistoryAsync(holderIndex, command.Page, cancellationToken);
        await accessLog.AppendAsync(new AccessRecord
        {
            CallerId = caller.Id,
            Action = AuditActions.AuditGetHolderAccessHistory,
            ObjectType = AuditObjects.AccessLog,
            HolderIndex = holderIndex,
            Outcome = $"OK:{entries.Count}",
        }, cancellationToken);
        return new GetHolderAccessHistoryResponse { Entries = { entries }, NextPageToken = next };
    }

    /// <summary>
    /// The latest checkpoint, believed by the same rule auditors apply (<see cref="SignedCheckpoint"/>): its signature
    /// verifies with one of the hub's own keys, unrevoked, its origin is this log's, and size and root are read from the
    /// signed body — never from the columns beside it, which whoever runs the database could change.
    /// </summary>
    public async Task<Outcome<GetCheckpointResponse>> CheckpointAsync(CancellationToken cancellationToken)
    {
        var believed = await BelievedLatestAsync(cancellationToken);
        if (believed.Failed)
        {
            return believed.Error;
        }

        var (latest, checkpoint, key) = believed.Value;
        var cosignatures = await checkpoints.CosignaturesAsync(checkpoint.TreeSize, cancellationToken);
        latest.Note = CheckpointNote.Write(latest.Checkpoint, checkpoint.Origin, key, latest.Signature.Span, cosignatures);
        return latest;
    }

    /// <summary>The latest stored checkpoint with size and root from its verified body, and the key that signed it.</summary>
    private async Task<Outcome<(GetCheckpointResponse Latest, Checkpoint Checkpoint, Sm2PublicKey Key)>> BelievedLatestAsync(CancellationToken cancellationToken)
    {
        if (await store.LatestCheckpointAsync(cancellationToken) is not { } latest)
        {
            return HubError.FailedPrecondition(ReasonCodes.NoCheckpointYet, "the log has no checkpoint yet; the first is written within a second of the first entry.");
        }

        var own = (await keys.ListAsync(cancellationToken)).Select(k => new LogKey(k.PublicKey, k.RevokedAt)).ToList();
        var (checkpoint, problem) = SignedCheckpoint.Verify(latest.Checkpoint, latest.Signature.Span, latest.KeyId, options.Value.Origin, own);
        if (checkpoint is null)
        {
            logger.CheckpointNotBelieved(latest.KeyId, problem!);
            return HubError.FailedPrecondition(ReasonCodes.NotYetCheckpointed, "the latest checkpoint is not believed (" + problem + "); the next one is signed within a second.");
        }

        latest.TreeSize = (ulong)checkpoint.TreeSize;
        latest.RootHash = ByteString.CopyFrom(checkpoint.RootHash);
        return (latest, checkpoint, own.Single(k => k.KeyId == latest.KeyId).Key);
    }

    /// <summary>The size of the latest checkpoint that is believed (0 when there is none): what proofs may be asked against.</summary>
    private async Task<long> CheckpointedSizeAsync(CancellationToken cancellationToken)
    {
        var latest = await BelievedLatestAsync(cancellationToken);
        return latest.Failed ? 0 : latest.Value.Checkpoint.TreeSize;
    }

    public async Task<Outcome<GetInclusionProofResponse>> InclusionAsync(InclusionProofCommand command, CancellationToken cancellationToken)
    {
        var (index, treeSize) = command;
        var latest = await CheckpointedSizeAsync(cancellationToken);
        var size = treeSize == 0 ? latest : treeSize;
        if (size > latest)
        {
            return HubError.FailedPrecondition(ReasonCodes.NotYetCheckpointed, $"tree_size {size} is beyond the latest checkpoint ({latest}).");
        }

        if (index >= size)
        {
            return latest == 0 || index >= latest
                ? HubError.FailedPrecondition(ReasonCodes.NotYetCheckpointed, $"entry {index} is not covered by a checkpoint yet (latest tree size {latest}); retry in a second.")
                : HubError.InvalidArgument("log_index", $"must be below tree_size {size}");
        }

        var (proof, leaf) = await store.InclusionProofAsync(index, size, cancellationToken);
        return new GetInclusionProofResponse { Hashes = { proof.Select(ByteString.CopyFrom) }, TreeSize = (ulong)size, LeafHash = ByteString.CopyFrom(leaf) };
    }

    public async Task<Outcome<GetConsistencyProofResponse>> ConsistencyAsync(ConsistencyProofCommand command, CancellationToken cancellationToken)
    {
        var (from, toSize) = command;
        var latest = await CheckpointedSizeAsync(cancellationToken);
        var to = toSize == 0 ? latest : toSize;
        if (to > latest)
        {
            return HubError.FailedPrecondition(ReasonCodes.NotYetCheckpointed, $"to_size {to} is beyond the latest checkpoint ({latest}).");
        }

        if (from < 1 || from > to)
        {
            return HubError.InvalidArgument("from_size", $"must be between 1 and to_size ({to})");
        }

        var proof = await store.ConsistencyProofAsync(from, to, cancellationToken);
        return new GetConsistencyProofResponse { Hashes = { proof.Select(ByteString.CopyFrom) }, FromSize = (ulong)from, ToSize = (ulong)to };
    }

    public async Task<Outcome<GetEntriesResponse>> EntriesAsync(EntriesCommand command, CancellationToken cancellationToken) =>
        new GetEntriesResponse { Entries = { await store.EntriesAsync(command.FromIndex, command.Count, cancellationToken) } };
}

/// <summary>GetInclusionProof: which entry, in which tree size (0 = the latest checkpoint).</summary>
public sealed record InclusionProofCommand(long LogIndex, long TreeSize)
{
    public static Outcome<InclusionProofCommand> Parse(GetInclusionProofRequest request)
    {
        var violations = new Violations();
        var index = violations.Position("log_index", request.LogIndex);
        var size = violations.Position("tree_size", request.TreeSize);
        return violations.ToError() is { } invalid ? invalid : new InclusionProofCommand(index, size);
    }
}

/// <summary>GetConsistencyProof: between which tree sizes (to_size 0 = the latest checkpoint).</summary>
public sealed record ConsistencyProofCommand(long FromSize, long ToSize)
{
    public static Outcome<ConsistencyProofCommand> Parse(GetConsistencyProofRequest request)
    {
        var violations = new Violations();
        var from = violations.Position("from_size", request.FromSize);
        var to = violations.Position("to_size", request.ToSize);
        return violations.ToError() is { } invalid ? invalid : new ConsistencyProofCommand(from, to);
    }
}

/// <summary>GetEntries: from which index, how many.</summary>
public sealed record EntriesCommand(long FromIndex, int Count)
{
    public static Outcome<EntriesCommand> Parse(GetEntriesRequest request)
    {
        var violations = new Violations();
        var from = violations.Position("from_index", request.FromIndex);
        if (request.Count is 0 or > AuditReader.MaxEntriesPerCall)
        {
            violations.Add("count", $"must be 1 to {AuditReader.MaxEntriesPerCall}");
        }

        return violations.ToError() is { } invalid ? invalid : new EntriesCommand(from, (int)request.Count);
    }
}

/// <summary>QueryAccessLog: the filters an auditor gives, the holder parsed (its blind index is the reader's to compute).</summary>
public sealed record QueryAccessLogCommand(AccessLogFilter Filter, HolderInput? Holder, PageRequest Page)
{
    public static Outcome<QueryAccessLogCommand> Parse(QueryAccessLogRequest request, HolderInputParser holders, DateOnly today)
    {
        var violations = new Violations();
        Guid? callerId = null;
        if (request.CallerId.Length > 0)
        {
            callerId = Guid.TryParse(request.CallerId, out var id) ? id : null;
            if (callerId is null)
            {
                violations.Add("caller_id", "must be a caller_id");
            }
        }

        var holder = request.Holder is null ? null : holders.Parse(request.Holder, "holder", violations, today, nameRequired: false);
        var action = violations.Text("action", request.Action, InputLimits.ActionLength, required: false);
        var matter = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength, required: false);
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        if (violations.ToError() is { } invalid)
        {
            return invalid;
        }

        var from = violations.Time("from", request.From);
        var to = violations.Time("to", request.To);
        if (violations.ToError() is { } badTime)
        {
            return badTime;
        }

        var filter = new AccessLogFilter(callerId, null, from, to, action.Length > 0 ? action : null, matter.Length > 0 ? matter : null);
        return new QueryAccessLogCommand(filter, holder, page);
    }
}

/// <summary>GetHolderAccessHistory: whose history, which page.</summary>
public sealed record HolderHistoryCommand(HolderInput Holder, PageRequest Page)
{
    public static Outcome<HolderHistoryCommand> Parse(GetHolderAccessHistoryRequest request, HolderInputParser holders, DateOnly today)
    {
        var violations = new Violations();
        var holder = holders.Parse(request.Holder, "holder", violations, today, nameRequired: false);
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        return violations.ToError() is { } invalid ? invalid : new HolderHistoryCommand(holder, page);
    }
}
