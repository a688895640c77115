using System.Security.Authentication;
using Google.Rpc;
using Grpc.Core;

namespace Hub.Cli;

/// <summary>
/// Prints a failed call as people read it. A refusal by the hub: status, message, reason and each invalid field (exit
/// 1). A call that never reached it: the address tried and what to change — <c>--url</c>, <c>--ca-file</c> (exit 5).
/// </summary>
internal static class ErrorReport
{
    public static int Print(RpcException exception, TextWriter error, string url)
    {
        if (exception.StatusCode == StatusCode.Cancelled && exception.Status.DebugException is OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }

        // Only the client library sets a debug exception: a status the hub sent never has one.
        if (exception.Status.DebugException is { } cause)
        {
            return Unreachable(cause, error, url);
        }

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

        if (exception.StatusCode == StatusCode.Unauthenticated)
        {
            error.WriteLine("  hint: give the caller's key with --api-key-file FILE or HUB_API_KEY (hubctl names the source it used above)");
        }

        return ExitCodes.Refused;
    }

    private static int Unreachable(Exception cause, TextWriter error, string url)
    {
        var innermost = cause;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        if (Chain(cause).Any(e => e is AuthenticationException) || innermost.Message.Contains("certificate", StringComparison.OrdinalIgnoreCase))
        {
            error.WriteLine($"error: cannot connect to the hub at {url}: its TLS certificate is not trusted here ({innermost.Message.TrimEnd('.')}).");
            error.WriteLine("  hint: trust the hub's certificate with --ca-file FILE (the embedded hub's is .hub/tls/cert.pem),");
            error.WriteLine("        or, on the hub's own machine, use its plain-text address (--url http://127.0.0.1:5000).");
        }
        else
        {
            error.WriteLine($"error: cannot reach the hub at {url}: {innermost.Message.TrimEnd('.')}.");
            error.WriteLine("  hint: is the hub running there? Give its address with --url or HUB_URL (the hub prints its addresses when it starts);");
            error.WriteLine("        its TLS port takes https:// and --ca-file, its plain-text port http://.");
        }

        return ExitCodes.Unreachable;
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
