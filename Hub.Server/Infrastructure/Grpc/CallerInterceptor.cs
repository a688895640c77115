using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Server.Callers;

namespace Hub.Server.Infrastructure.Grpc;

/// <summary>
/// Who is calling: authenticate (API key or registered client certificate) and check the roles the RPC declares
/// (none declared = refused) before any work — deny by default. Errors are mapped by <see cref="ErrorMappingInterceptor"/>;
/// the rate limit is <see cref="RateLimitInterceptor"/>'s.
/// </summary>
public sealed class CallerInterceptor(
    CallerAuthenticator authenticator,
    FailedAuthenticationThrottle throttle,
    HolderInputParser holders,
    TimeProvider time,
    ILogger<CallerInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context);
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        await AdmitAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task AdmitAsync(ServerCallContext context)
    {
        var metadata = context.GetHttpContext().GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<AllowAnonymousCallerAttribute>() is not null)
        {
            return;
        }

        var anyCaller = metadata?.GetMetadata<AnyCallerAttribute>() is not null;
        var required = metadata?.GetMetadata<RequiresRoleAttribute>();
        if (!anyCaller && (required is null || required.Roles.Count == 0))
        {
            logger.NoRoleDeclared(context.Method);
            throw new HubException(HubError.PermissionDenied(ReasonCodes.NoRoleDeclared, $"{context.Method} declares no role and is refused to every caller."));
        }

        var caller = await AuthenticateAsync(context);
        if (!anyCaller && !HoldsAny(caller, required!.Roles))
        {
            var names = string.Join(" or ", required!.Roles.Select(RoleNames.Name));
            logger.RoleMissing(caller.Id, context.Method);
            throw new HubException(HubError.PermissionDenied(ReasonCodes.RoleRequired, $"{context.Method} needs the role {names}; this caller does not hold it.") with
            {
                Metadata = new Dictionary<string, string> { ["required_roles"] = names },
            });
        }

        context.UserState[CallContextExtensions.CallerKey] = caller;
    }

    // A loop, not Roles.Any(caller.Has): that allocates a delegate on every call.
    private static bool HoldsAny(Caller caller, IReadOnlyList<Hub.Common.V1.Role> roles)
    {
        for (var i = 0; i < roles.Count; i++)
        {
            if (caller.Has(roles[i]))
            {
                return true;
            }
        }

        return false;
    }

    private async ValueTask<Caller> AuthenticateAsync(ServerCallContext context)
    {
        var peer = context.GetHttpContext().Connection.RemoteIpAddress ?? System.Net.IPAddress.None;
        if (throttle.Throttled(peer) is var wait && wait > TimeSpan.Zero)
        {
            throw new HubException(new HubError(HubErrorCode.ResourceExhausted, ReasonCodes.AuthenticationThrottled,
                "too many failed authentications from this address; retry after the delay given.") { RetryAfter = wait });
        }

        try
        {
            return await CheckCredentialAsync(context);
        }
        catch (HubException e) when (e.Error.Code == HubErrorCode.Unauthenticated)
        {
            throttle.Failed(peer);
            throw;
        }
    }

    private async ValueTask<Caller> CheckCredentialAsync(ServerCallContext context)
    {
        CallerCredentialCheck check;
        var authorization = context.RequestHeaders.GetValue("authorization");
        if (authorization is not null)
        {
            const string scheme = "Bearer ";
            if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length == scheme.Length)
            {
                throw Unauthenticated(ReasonCodes.MalformedAuthorization, "the authorization metadata must be 'Bearer <api key>'.");
            }

            check = await authenticator.ByApiKeyAsync(authorization.AsMemory(scheme.Length), context.CancellationToken);
        }
        else if (context.GetHttpContext().Connection.ClientCertificate is { } certificate)
        {
            // TLS accepts any client certificate (callers register self-signed ones by thumbprint): its dates are ours to check.
            var now = time.GetUtcNow();
            if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
            {
                throw Unauthenticated(ReasonCodes.CertificateNotInValidity, $"the client certificate is valid from {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm}Z to {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm}Z, not now.");
            }

            var thumbprint = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
            check = await authenticator.ByCertificateAsync(thumbprint, context.CancellationToken);
        }
        else
        {
            throw Unauthenticated(ReasonCodes.MissingCredentials, "send 'authorization: Bearer <api key>' metadata or a registered client certificate.");
        }

        switch (check.Status)
        {
            case CallerCredentialStatus.Unknown:
                logger.UnknownCredential(context.Method);
                throw Unauthenticated(ReasonCodes.UnknownCredentials, "the API key or client certificate is not registered.");
            case CallerCredentialStatus.Disabled:
                logger.DisabledCallerRefused(check.Caller!.Id, context.Method);
                throw new HubException(HubError.PermissionDenied(ReasonCodes.CallerDisabled, "this caller has been disabled; ask the hub's administrators."));
            default:
                return WithAssertedHolder(context, check);
        }
    }

    /// <summary>A PORTAL's signed word for whom this call acts, checked here so no feature sees an unverified one.</summary>
    private Caller WithAssertedHolder(ServerCallContext context, CallerCredentialCheck check)
    {
        var caller = check.Caller!;
        if (context.RequestHeaders.GetValue(PortalActingFor.AssertionHeader) is not { } assertion)
        {
            return caller;
        }

        var holder = HolderAssertion.Verify(assertion, caller.Id, check.AssertionKey, holders, time.GetUtcNow());
        return holder.Failed ? throw new HubException(holder.Error) : caller with { AssertedHolder = holder.Value };
    }

    private static HubException Unauthenticated(string reason, string message) =>
        new(new HubError(HubErrorCode.Unauthenticated, reason, message));
}
