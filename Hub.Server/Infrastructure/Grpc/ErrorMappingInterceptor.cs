using Grpc.Core;
using Grpc.Core.Interceptors;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Server.Infrastructure.Postgres;

namespace Hub.Server.Infrastructure.Grpc;

/// <summary>
/// The outermost gate: a <see cref="HubException"/> thrown below (the other interceptors, the nonce store) becomes its
/// status, and a database outage becomes <c>UNAVAILABLE DATABASE_UNAVAILABLE</c>. Anything else is a defect and stays
/// Unknown (and is logged by the framework).
/// </summary>
public sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (Mapped(context, e) is { } status)
        {
            throw status;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e) when (Mapped(context, e) is { } status)
        {
            throw status;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (Mapped(context, e) is { } status)
        {
            throw status;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e) when (Mapped(context, e) is { } status)
        {
            throw status;
        }
    }

    private RpcException? Mapped(ServerCallContext context, Exception e)
    {
        var mapped = e switch
        {
            HubException hub => hub.Error.ToRpcException(),
            RpcException rpc => rpc,
            _ when PostgresOutage.IsOutage(e) => Unavailable(context, e),
            _ => null,
        };

        // A REST client wrote camelCase JSON: its field violations name the JSON paths (applicant.idNumber).
        return mapped is not null && IsRest(context) && Rest.RestFieldPaths.InJsonNames(mapped) is { } renamed
            ? renamed
            : ReferenceEquals(mapped, e) ? null : mapped;
    }

    private RpcException Unavailable(ServerCallContext context, Exception e)
    {
        logger.DatabaseUnavailable(context.Method, e);
        return HubError.Unavailable(ReasonCodes.DatabaseUnavailable, "the hub's database is unavailable; retry shortly.").ToRpcException();
    }

    private static bool IsRest(ServerCallContext context) =>
        context.GetHttpContext().Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true;
}
