using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Time;
using Hub.Exchange.V1;
using Hub.Server.Catalogue;
using Microsoft.Extensions.Options;

namespace Hub.Server.Exchange;

/// <summary>Adapts exchange.proto to the grant desk, its queries and the broker: parse, run, map.</summary>
public sealed class ExchangeGrpcService(
    GrantDesk desk,
    GrantQueries queries,
    DataBroker broker,
    IDataResourceStore resources,
    IMatterStore matters,
    HolderInputParser holders,
    IOptions<ExchangeOptions> options,
    TimeProvider time) : DataExchangeService.DataExchangeServiceBase
{
    [RequiresRole(Role.Consumer)]
    public override async Task<RequestGrantResponse> RequestGrant(RequestGrantRequest request, ServerCallContext context) =>
        await Rpc.RunAsync(
            await RequestGrantCommand.ParseAsync(request, options.Value, resources, matters, context.CancellationToken),
            command => desk.RequestAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Provider)]
    public override Task<DecideGrantResponse> DecideGrant(DecideGrantRequest request, ServerCallContext context) =>
        Rpc.RunAsync(DecideGrantCommand.Parse(request), command => desk.DecideAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Consumer, Role.Provider, Role.Catalogue)]
    public override Task<RevokeGrantResponse> RevokeGrant(RevokeGrantRequest request, ServerCallContext context) =>
        Rpc.RunAsync(RevokeGrantCommand.Parse(request), command => desk.RevokeAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Consumer, Role.Provider, Role.Catalogue)]
    public override Task<GetGrantResponse> GetGrant(GetGrantRequest request, ServerCallContext context) =>
        Rpc.RunAsync(GrantIdInput.Parse(request.GrantId), grantId => queries.GetAsync(context.GetCaller(), grantId, context.CancellationToken));

    [RequiresRole(Role.Consumer, Role.Provider, Role.Catalogue)]
    public override Task<ListGrantsResponse> ListGrants(ListGrantsRequest request, ServerCallContext context) =>
        Rpc.RunAsync(ListGrantsCommand.Parse(request), command => queries.ListAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Consumer)]
    public override async Task<QueryResponse> Query(QueryRequest request, ServerCallContext context) =>
        await Rpc.RunAsync(await QueryCommand.ParseAsync(request, resources, matters, holders, ChinaCalendar.Today(time), context.CancellationToken), command => broker.QueryAsync(context.GetCaller(), command, context.CancellationToken));
}
