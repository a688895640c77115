using Grpc.Core;
using Hub.Core.Callers;
using Hub.WebConsole.V1;

namespace Hub.Server.WebConsole;

/// <summary>Adapts console.proto: who is signed in to the web console. Every page's data comes from the other services, which check roles themselves.</summary>
public sealed class ConsoleGrpcService : ConsoleService.ConsoleServiceBase
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
}
