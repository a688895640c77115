using Grpc.Core;
using Hub.Audit.V1;
using Hub.Common.V1;
using Hub.Core.Callers;

namespace Hub.Server.Audit;

/// <summary>Adapts audit.proto to <see cref="AuditReader"/>.</summary>
public sealed class AuditGrpcService(AuditReader reader) : AuditService.AuditServiceBase
{
    [RequiresRole(Role.Auditor)]
    public override async Task<QueryAccessLogResponse> QueryAccessLog(QueryAccessLogRequest request, ServerCallContext context) =>
        (await reader.QueryAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Auditor)]
    public override async Task<GetCheckpointResponse> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context) =>
        (await reader.CheckpointAsync(context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Auditor)]
    public override async Task<GetInclusionProofResponse> GetInclusionProof(GetInclusionProofRequest request, ServerCallContext context) =>
        (await reader.InclusionAsync(request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Auditor)]
    public override async Task<GetConsistencyProofResponse> GetConsistencyProof(GetConsistencyProofRequest request, ServerCallContext context) =>
        (await reader.ConsistencyAsync(request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Auditor)]
    public override async Task<GetEntriesResponse> GetEntries(GetEntriesRequest request, ServerCallContext context) =>
        (await reader.EntriesAsync(request, context.CancellationToken)).ValueOrThrow();

    // The portal reads the history of the holder it acts for: every such request names that holder.
    [RequiresRole(Role.Auditor, Role.Portal)]
    public override async Task<GetHolderAccessHistoryResponse> GetHolderAccessHistory(GetHolderAccessHistoryRequest request, ServerCallContext context) =>
        (await reader.HolderHistoryAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();
}
