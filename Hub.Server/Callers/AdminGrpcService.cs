using Grpc.Core;
using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Server.Keys;

namespace Hub.Server.Callers;

/// <summary>Adapts admin.proto to caller administration and the seal keys: parse, run, map.</summary>
public sealed class AdminGrpcService(CallerDesk callers, ISigningKeyRing keys) : AdminService.AdminServiceBase
{
    [RequiresRole(Role.Admin)]
    public override Task<RegisterCallerResponse> RegisterCaller(RegisterCallerRequest request, ServerCallContext context) =>
        Rpc.RunAsync(CallerRegistration.Parse(request), caller => callers.RegisterAsync(context.GetCaller(), caller, context.CancellationToken));

    [RequiresRole(Role.Admin)]
    public override Task<ListCallersResponse> ListCallers(ListCallersRequest request, ServerCallContext context) =>
        Rpc.RunAsync(ListCallersCommand.Parse(request), command => callers.ListAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Admin)]
    public override Task<DisableCallerResponse> DisableCaller(DisableCallerRequest request, ServerCallContext context) =>
        Rpc.RunAsync(DisableCallerCommand.Parse(request), command => callers.DisableAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Admin)]
    public override Task<RotateCallerKeyResponse> RotateCallerKey(RotateCallerKeyRequest request, ServerCallContext context) =>
        Rpc.RunAsync(RotateCallerKeyCommand.Parse(request), command => callers.RotateKeyAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Admin)]
    public override Task<RotateSigningKeyResponse> RotateSigningKey(RotateSigningKeyRequest request, ServerCallContext context) =>
        Rpc.RunAsync(keys.RotateAsync(context.GetCaller(), context.CancellationToken));

    [RequiresRole(Role.Admin)]
    public override Task<RevokeSigningKeyResponse> RevokeSigningKey(RevokeSigningKeyRequest request, ServerCallContext context) =>
        Rpc.RunAsync(RevokeSigningKeyCommand.Parse(request), command => keys.RevokeAsync(context.GetCaller(), command, context.CancellationToken));
}
