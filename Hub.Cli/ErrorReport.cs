using Google.Rpc;
using Grpc.Core;

namespace Hub.Cli;

/// <summary>Prints a refused call as people read it: status, message, reason and each invalid field.</summary>
internal static class ErrorReport
{
    public static int Print(RpcException exception, TextWriter error)
    {
        error.WriteLine($"error: {exception.StatusCode}: {exception.Status.Detail}");
        var status = exception.GetRpcStatus();
        if (status?.GetDetail<ErrorInfo>() is { } info)
        {
            error.WriteLine($"  reason: {info.Reason}");
        }

        if (status?.GetDetail<BadRequest>() is { } badRequest)
        {
            foreach (var violation in badRequest.FieldViolations)
            {
                error.WriteLine($"  {violation.Field}: {violation.Description}");
            }
        }

        if (status?.GetDetail<RetryInfo>() is { } retry)
        {
            error.WriteLine($"  retry after: {retry.RetryDelay.ToTimeSpan().TotalSeconds:0.###} s");
        }

        return 1;
    }
}
