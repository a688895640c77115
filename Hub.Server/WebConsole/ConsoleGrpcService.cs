using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.WebConsole.V1;

namespace Hub.Server.WebConsole;

/// <summary>Adapts console.proto: who is signed in, and the dashboard's and the auditor's figures. Every other page's data comes from the other services, which check roles themselves.</summary>
public sealed class ConsoleGrpcService(ConsoleFigures figures, TimeProvider time) : ConsoleService.ConsoleServiceBase
{
    [AnyCaller]
    public override Task<GetSessionResponse> GetSession(GetSessionRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var session = new GetSessionResponse
        {
            CallerId = caller.Id.ToString(),
            OrgCode = caller.OrgCode,
            OrgName = caller.OrgName,
            SystemName = caller.SystemName,
            Clearance = caller.Clearance,
        };
        session.Roles.AddRange(caller.Roles.Order());
        return Task.FromResult(session);
    }

    [RequiresRole(Role.Catalogue, Role.Auditor)]
    public override Task<GetServiceFiguresResponse> GetServiceFigures(GetServiceFiguresRequest request, ServerCallContext context) =>
        Rpc.RunAsync(ServiceFiguresCommand.Parse(request, time), command => figures.ServiceFiguresAsync(command, context.CancellationToken));

    [RequiresRole(Role.Auditor)]
    public override Task<GetAnomaliesResponse> GetAnomalies(GetAnomaliesRequest request, ServerCallContext context) =>
        Rpc.RunAsync(AnomaliesCommand.Parse(request, time), command => figures.AnomaliesAsync(command, context.CancellationToken));
}
