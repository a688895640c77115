using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Ports;

namespace Hub.Server.Infrastructure.Grpc;

/// <summary>Applies each authenticated caller's request budget (<see cref="IRateLimiter"/>) before any work.</summary>
public sealed class RateLimitInterceptor(IRateLimiter rateLimiter, ILogger<RateLimitInterceptor> logger) : Interceptor
{
    // Each caller's budget key, made once: Guid.ToString() on every call would allocate. Bounded, as callers are.
    private readonly ConcurrentDictionary<Guid, string> _keys = new();

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

    private string BudgetKey(Guid callerId)
    {
        if (_keys.TryGetValue(callerId, out var key))
        {
            return key;
        }

        // Count takes every lock of the table: only on a miss.
        if (_keys.Count >= 10_000)
        {
            _keys.Clear();
        }

        return _keys.GetOrAdd(callerId, callerId.ToString());
    }

    private async Task AdmitAsync(ServerCallContext context)
    {
        // Anonymous calls (health, reflection, published keys) carry no caller and no budget.
        if (!context.UserState.TryGetValue(CallContextExtensions.CallerKey, out var value) || value is not Caller caller)
        {
            return;
        }

        var decision = await rateLimiter.TryAcquireAsync(BudgetKey(caller.Id), context.CancellationToken);
        if (!decision.Allowed)
        {
            logger.RateLimited(caller.Id, context.Method);
            throw new HubException(new HubError(HubErrorCode.ResourceExhausted, ReasonCodes.RateLimited, "this caller's request rate limit is exceeded; retry after the delay given.")
            {
                RetryAfter = decision.RetryAfter,
            });
        }
    }
}
