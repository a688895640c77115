using Grpc.Core;
using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Validation;
using Hub.Server.Keys;

namespace Hub.Server.Callers;

/// <summary>Adapts admin.proto's caller management to <see cref="PostgresCallerStore"/>: validate, call, map.</summary>
public sealed class AdminGrpcService(
    PostgresCallerStore store, CallerAuthenticator authenticator, SigningKeyRing keys, IAccessLog accessLog, ILogger<AdminGrpcService> logger)
    : AdminService.AdminServiceBase
{
    [RequiresRole(Role.Admin)]
    public override async Task<RegisterCallerResponse> RegisterCaller(RegisterCallerRequest request, ServerCallContext context)
    {
        var admin = context.GetCaller();
        var caller = CallerRegistration.Parse(request).ValueOrThrow();
        var apiKey = ApiKeys.Generate();
        var record = (await store.RegisterAsync(caller, ApiKeys.Hash(apiKey), admin.Id, context.CancellationToken)).ValueOrThrow();
        logger.CallerRegistered(record.Caller.Id, admin.Id);
        return new RegisterCallerResponse { CallerId = record.Caller.Id.ToString(), ApiKey = apiKey, Caller = record.ToMessage() };
    }

    [RequiresRole(Role.Admin)]
    public override async Task<ListCallersResponse> ListCallers(ListCallersRequest request, ServerCallContext context)
    {
        var admin = context.GetCaller();
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        violations.ThrowIfAny();

        var (callers, next) = await store.ListAsync(page, request.IncludeDisabled, context.CancellationToken);
        await accessLog.AppendAsync(new AccessRecord { CallerId = admin.Id, Action = "admin.ListCallers", ObjectType = "caller", Outcome = "OK" }, context.CancellationToken);
        return new ListCallersResponse
        {
            Callers = { callers.Select(c => c.ToMessage()) },
            NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next),
        };
    }

    [RequiresRole(Role.Admin)]
    public override async Task<DisableCallerResponse> DisableCaller(DisableCallerRequest request, ServerCallContext context)
    {
        var admin = context.GetCaller();
        var violations = new Violations();
        if (!Guid.TryParse(request.CallerId, out var callerId))
        {
            violations.Add("caller_id", "must be a caller_id returned by RegisterCaller or ListCallers");
        }

        var reason = violations.Text("reason", request.Reason, InputLimits.ReasonLength);
        violations.ThrowIfAny();

        var record = (await store.DisableAsync(callerId, reason, admin.Id, context.CancellationToken)).ValueOrThrow();
        await authenticator.CallerChangedAsync(context.CancellationToken);
        logger.CallerDisabled(callerId, admin.Id);
        return new DisableCallerResponse { Caller = record.ToMessage() };
    }

    [RequiresRole(Role.Admin)]
    public override async Task<RotateSigningKeyResponse> RotateSigningKey(RotateSigningKeyRequest request, ServerCallContext context)
    {
        var admin = context.GetCaller();
        var (keyId, retired) = await keys.RotateAsync(admin.Id, context.CancellationToken);
        logger.SigningKeyRotated(keyId, retired);
        return new RotateSigningKeyResponse { KeyId = keyId, RetiredKeyId = retired };
    }

    [RequiresRole(Role.Admin)]
    public override async Task<RevokeSigningKeyResponse> RevokeSigningKey(RevokeSigningKeyRequest request, ServerCallContext context)
    {
        var admin = context.GetCaller();
        var violations = new Violations();
        var keyId = violations.Text("key_id", request.KeyId, 16).ToLowerInvariant();
        var reason = violations.Text("reason", request.Reason, InputLimits.ReasonLength);
        violations.ThrowIfAny();
        var (revoked, active) = (await keys.RevokeAsync(keyId, reason, admin.Id, context.CancellationToken)).ValueOrThrow();
        logger.SigningKeyRevoked(revoked, active);
        return new RevokeSigningKeyResponse { KeyId = revoked, ActiveKeyId = active };
    }
}
