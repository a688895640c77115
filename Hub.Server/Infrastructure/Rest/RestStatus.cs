using Google.Protobuf;
using Hub.Core.Errors;

namespace Hub.Server.Infrastructure.Rest;

/// <summary>
/// Writes a REST failure the facade finds itself (before any RPC runs) in the same form as every other REST failure:
/// the error's <c>google.rpc.Status</c> (<see cref="HubErrorMapping.ToStatus"/>) as JSON.
/// </summary>
internal static class RestStatus
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithTypeRegistry(HubErrorMapping.DetailTypes));

    public static Task WriteAsync(HttpContext context, int httpStatus, HubError error)
    {
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(Formatter.Format(error.ToStatus()), context.RequestAborted);
    }
}
