using Grpc.Core;
using Hub.Audit.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Time;

namespace Hub.Server.Audit;

/// <summary>Adapts audit.proto to <see cref="AuditReader"/>: parse, run, map.</summary>
public sealed class AuditGrpcService(AuditReader reader, HolderInputParser holders, TimeProvider time) : AuditService.AuditServiceBase
{
    [RequiresRole(Role.Auditor)]
    public override Task<QueryAccessLogResponse> QueryAccessLog(QueryAccessLogRequest request, ServerCallContext context) =>
        Rpc.RunAsync(QueryAccessLogCommand.Parse(request, holders, ChinaCalendar.Today(time)), command => reader.QueryAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Auditor)]
    public override Task<GetCheckpointResponse> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context) =>
        Rpc.RunAsync(reader.CheckpointAsync(context.CancellationToken));

    [RequiresRole(Role.Auditor)]
    public override Task<GetInclusionProofResponse> GetInclusionProof(GetInclusionProofRequest request, ServerCallContext context) =>
        Rpc.RunAsync(InclusionProofCommand.Parse(request), command => reader.InclusionAsync(command, context.CancellationToken));

    [RequiresRole(Role.Auditor)]
    public override Task<GetConsistencyProofResponse> GetConsistencyProof(GetConsistencyProofRequest request, ServerCallContext context) =>
        Rpc.RunAsync(ConsistencyProofCommand.Parse(request), command => reader.ConsistencyAsync(command, context.CancellationToken));

    [RequiresRole(Role.Auditor)]
    public override Task<GetEntriesResponse> GetEntries(GetEntriesRequest request, ServerCallContext context) =>
        Rpc.RunAsync(EntriesCommand.Parse(request), command => reader.EntriesAsync(command, context.CancellationToken));

    // The portal reads the history of the holder it acts for: every such request names that holder.
    [RequiresRole(Role.Auditor, Role.Portal)]
    public override Task<GetHolderAccessHistoryResponse> GetHolderAccessHistory(GetHolderAccessHistoryRequest request, ServerCallContext context) =>
        Rpc.RunAsync(HolderHistoryCommand.Parse(request, holders, ChinaCalendar.Today(time)), command => reader.HolderHistoryAsync(context.GetCaller(), command, context.CancellationToken));
}
