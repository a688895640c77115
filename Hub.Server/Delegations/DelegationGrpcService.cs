using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Time;
using Hub.Delegations.V1;

namespace Hub.Server.Delegations;

/// <summary>Adapts DelegationService (delegations.proto, gRPC and REST) to <see cref="DelegationDesk"/>: parse, run, map.</summary>
public sealed class DelegationGrpcService(DelegationDesk desk, HolderInputParser holders, TimeProvider time) : DelegationService.DelegationServiceBase
{
    [RequiresRole(Role.Portal)]
    public override Task<GrantDelegationResponse> GrantDelegation(GrantDelegationRequest request, ServerCallContext context) =>
        Rpc.RunAsync(
            GrantDelegationCommand.Parse(request, holders, ChinaCalendar.Today(time)),
            command => desk.GrantAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Portal)]
    public override Task<RevokeDelegationResponse> RevokeDelegation(RevokeDelegationRequest request, ServerCallContext context) =>
        Rpc.RunAsync(RevokeDelegationCommand.Parse(request), command => desk.RevokeAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Portal, Role.Auditor)]
    public override Task<GetDelegationResponse> GetDelegation(GetDelegationRequest request, ServerCallContext context) =>
        Rpc.RunAsync(DelegationIdInput.Parse(request.DelegationId), id => desk.GetAsync(context.GetCaller(), id, context.CancellationToken));

    [RequiresRole(Role.Portal)]
    public override Task<ListDelegationsResponse> ListDelegations(ListDelegationsRequest request, ServerCallContext context) =>
        Rpc.RunAsync(ListDelegationsCommand.Parse(request), command => desk.ListAsync(context.GetCaller(), command, context.CancellationToken));
}
