using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Ports;
using Hub.Server.Callers;
using Npgsql;

namespace Hub.Server.Infrastructure.Grpc;

/// <summary>
/// The one gate every call passes: authenticate (API key or registered client certificate), check the roles the
/// RPC declares (none declared = refused), apply the caller's rate limit, then run the handler and turn any
/// <see cref="HubException"/> into its status.
/// </summary>
public sealed class CallerInterceptor(CallerAuthenticator authenticator, IRateLimiter rateLimiter, ILogger<CallerInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await AdmitAsync(context);
            return await continuation(request, context);
        }
        catch (HubException e)
        {
            throw e.Error.ToRpcException();
        }
        catch (NpgsqlException e) when (IsOutage(e))
        {
            throw DatabaseUnavailable(context, e);
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await AdmitAsync(context);
            return await continuation(requestStream, context);
        }
        catch (HubException e)
        {
            throw e.Error.ToRpcException();
        }
        catch (NpgsqlException e) when (IsOutage(e))
        {
            throw DatabaseUnavailable(context, e);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await AdmitAsync(context);
            await continuation(request, responseStream, context);
        }
        catch (HubException e)
        {
            throw e.Error.ToRpcException();
        }
        catch (NpgsqlException e) when (IsOutage(e))
        {
            throw DatabaseUnavailable(context, e);
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await AdmitAsync(context);
            await continuation(requestStream, responseStream, context);
        }
        catch (HubException e)
        {
            throw e.Error.ToRpcException();
        }
        catch (NpgsqlException e) when (IsOutage(e))
        {
            throw DatabaseUnavailable(context, e);
        }
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
            throw new HubException(HubError.PermissionDenied("NO_ROLE_DECLARED", $"{context.Method} declares no role and is refused to every caller."));
        }

        var caller = await AuthenticateAsync(context);
        if (!anyCaller && !required!.Roles.Any(caller.Has))
        {
            var names = string.Join(" or ", required!.Roles.Select(RoleNames.Name));
            logger.RoleMissing(caller.Id, context.Method);
            throw new HubException(HubError.PermissionDenied("ROLE_REQUIRED", $"{context.Method} needs the role {names}; this caller does not hold it.") with
            {
                Metadata = new Dictionary<string, string> { ["required_roles"] = names },
            });
        }

        var decision = await rateLimiter.TryAcquireAsync(caller.Id.ToString(), context.CancellationToken);
        if (!decision.Allowed)
        {
            logger.RateLimited(caller.Id, context.Method);
            throw new HubException(new HubError(HubErrorCode.ResourceExhausted, "RATE_LIMITED", "this caller's request rate limit is exceeded; retry after the delay given.")
            {
                RetryAfter = decision.RetryAfter,
            });
        }

        context.UserState[CallContextExtensions.CallerKey] = caller;
    }

    private async Task<Caller> AuthenticateAsync(ServerCallContext context)
    {
        CallerCredentialCheck check;
        var authorization = context.RequestHeaders.GetValue("authorization");
        if (authorization is not null)
        {
            const string scheme = "Bearer ";
            if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length == scheme.Length)
            {
                throw Unauthenticated("MALFORMED_AUTHORIZATION", "the authorization metadata must be 'Bearer <api key>'.");
            }

            check = await authenticator.ByApiKeyAsync(authorization[scheme.Length..].Trim(), context.CancellationToken);
        }
        else if (context.GetHttpContext().Connection.ClientCertificate is { } certificate)
        {
            var thumbprint = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
            check = await authenticator.ByCertificateAsync(thumbprint, context.CancellationToken);
        }
        else
        {
            throw Unauthenticated("MISSING_CREDENTIALS", "send 'authorization: Bearer <api key>' metadata or a registered client certificate.");
        }

        switch (check.Status)
        {
            case CallerCredentialStatus.Unknown:
                logger.UnknownCredential(context.Method);
                throw Unauthenticated("UNKNOWN_CREDENTIALS", "the API key or client certificate is not registered.");
            case CallerCredentialStatus.Disabled:
                logger.DisabledCallerRefused(check.Caller!.Id, context.Method);
                throw new HubException(HubError.PermissionDenied("CALLER_DISABLED", "this caller has been disabled; ask the hub's administrators."));
            default:
                return check.Caller!;
        }
    }

    // A lost or refused connection is an outage (Unavailable, retry); anything else is a defect and stays Unknown.
    private static bool IsOutage(NpgsqlException e) => e.IsTransient || e.InnerException is System.Net.Sockets.SocketException or TimeoutException;

    private RpcException DatabaseUnavailable(ServerCallContext context, NpgsqlException e)
    {
        logger.DatabaseUnavailable(context.Method, e);
        return HubError.Unavailable("DATABASE_UNAVAILABLE", "the hub's database is unavailable; retry shortly.").ToRpcException();
    }

    private static HubException Unauthenticated(string reason, string message) =>
        new(new HubError(HubErrorCode.Unauthenticated, reason, message));
}
