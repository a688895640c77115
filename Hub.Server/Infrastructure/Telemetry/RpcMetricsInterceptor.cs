using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Hub.Server.Infrastructure.Telemetry;

/// <summary>
/// Outermost: times every RPC and records it with the status the caller got (after the error mapping below it), so a
/// dashboard's error rate is what callers saw; a limit's refusal is also counted by its reason. A stream is timed over
/// its whole life (an event subscription for as long as it stays open).
/// </summary>
public sealed class RpcMetricsInterceptor(HubMetrics metrics, TimeProvider time) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        MeasureAsync(context, () => continuation(request, context));

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        MeasureAsync(context, () => continuation(requestStream, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        MeasureAsync(context, async () =>
        {
            await continuation(request, responseStream, context);
            return true;
        });

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        MeasureAsync(context, async () =>
        {
            await continuation(requestStream, responseStream, context);
            return true;
        });

    private async Task<T> MeasureAsync<T>(ServerCallContext context, Func<Task<T>> call)
    {
        var started = time.GetTimestamp();
        var status = "UNKNOWN";
        try
        {
            var result = await call();
            status = "OK";
            return result;
        }
        catch (RpcException e)
        {
            status = Refusal(e);
            throw;
        }
        finally
        {
            metrics.Rpc(context.Method, status, time.GetElapsedTime(started));
        }
    }

    /// <summary>The failure's status name; a limit's refusal is counted by its reason (a public reason code, never caller text).</summary>
    private string Refusal(RpcException e)
    {
        if (e.StatusCode == StatusCode.ResourceExhausted && e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>() is { } info)
        {
            metrics.Refused(info.Reason);
        }

        return StatusName(e.StatusCode);
    }

    /// <summary>The status as gRPC spells it (INVALID_ARGUMENT), without allocating per call.</summary>
    private static string StatusName(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        StatusCode.Cancelled => "CANCELLED",
        StatusCode.InvalidArgument => "INVALID_ARGUMENT",
        StatusCode.DeadlineExceeded => "DEADLINE_EXCEEDED",
        StatusCode.NotFound => "NOT_FOUND",
        StatusCode.AlreadyExists => "ALREADY_EXISTS",
        StatusCode.PermissionDenied => "PERMISSION_DENIED",
        StatusCode.ResourceExhausted => "RESOURCE_EXHAUSTED",
        StatusCode.FailedPrecondition => "FAILED_PRECONDITION",
        StatusCode.Aborted => "ABORTED",
        StatusCode.OutOfRange => "OUT_OF_RANGE",
        StatusCode.Unimplemented => "UNIMPLEMENTED",
        StatusCode.Internal => "INTERNAL",
        StatusCode.Unavailable => "UNAVAILABLE",
        StatusCode.DataLoss => "DATA_LOSS",
        StatusCode.Unauthenticated => "UNAUTHENTICATED",
        _ => "UNKNOWN",
    };
}
