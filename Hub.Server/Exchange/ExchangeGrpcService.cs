using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Exchange.V1;

namespace Hub.Server.Exchange;

/// <summary>Adapts exchange.proto to the grant desk and the broker: call, map.</summary>
public sealed class ExchangeGrpcService(GrantDesk desk, DataBroker broker) : DataExchangeService.DataExchangeServiceBase
{
    [RequiresRole(Role.Consumer)]
    public override async Task<RequestGrantResponse> RequestGrant(RequestGrantRequest request, ServerCallContext context) =>
        (await desk.RequestAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Provider)]
    public override async Task<DecideGrantResponse> DecideGrant(DecideGrantRequest request, ServerCallContext context) =>
        (await desk.DecideAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Consumer, Role.Provider, Role.Catalogue)]
    public override async Task<RevokeGrantResponse> RevokeGrant(RevokeGrantRequest request, ServerCallContext context) =>
        (await desk.RevokeAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Consumer, Role.Provider, Role.Catalogue)]
    public override async Task<GetGrantResponse> GetGrant(GetGrantRequest request, ServerCallContext context) =>
        (await desk.GetAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Consumer, Role.Provider, Role.Catalogue)]
    public override async Task<ListGrantsResponse> ListGrants(ListGrantsRequest request, ServerCallContext context) =>
        (await desk.ListAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Consumer)]
    public override async Task<QueryResponse> Query(QueryRequest request, ServerCallContext context) =>
        (await broker.QueryAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();
}
