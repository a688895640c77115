using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Hub.Server.Infrastructure.Telemetry;

/// <summary>
/// Outermost: times every unary RPC and records it with the status the caller got (after the error mapping below it),
/// so a dashboard's error rate is what callers saw. Streams are measured by their own instruments.
/// </summary>
public sealed class RpcMetricsInterceptor(HubMetrics metrics, TimeProvider time) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var started = time.GetTimestamp();
        var status = "OK";
        try
        {
            return await continuation(request, context);
        }
        catch (RpcException e)
        {
            status = StatusName(e.StatusCode);
            if (e.StatusCode == StatusCode.ResourceExhausted && e.GetRpcStatus()?.GetDetail<Google.Rpc.ErrorInfo>() is { } info)
            {
                // A limit said no: its reason is one of the public reason codes (never caller-supplied text).
                metrics.Refused(info.Reason);
            }

            throw;
        }
        catch
        {
            status = "UNKNOWN";
            throw;
        }
        finally
        {
            metrics.Rpc(context.Method, status, time.GetElapsedTime(started));
        }
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
