using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Hub.Core.Errors;

namespace Hub.Server.Infrastructure.Rest;

/// <summary>
/// Writes a REST failure the facade finds itself (before any RPC runs) in the same form as every other REST failure:
/// <c>google.rpc.Status</c> as JSON with an <c>ErrorInfo</c> and, for bad fields, a <c>BadRequest</c>.
/// </summary>
internal static class RestStatus
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithTypeRegistry(
        Google.Protobuf.Reflection.TypeRegistry.FromMessages(ErrorInfo.Descriptor, BadRequest.Descriptor, RetryInfo.Descriptor)));

    public static Task WriteAsync(HttpContext context, int httpStatus, global::Grpc.Core.StatusCode code, string reason, string message, IReadOnlyList<FieldViolation>? violations = null)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)code,
            Message = message,
            Details = { Any.Pack(new ErrorInfo { Reason = reason, Domain = HubErrorMapping.Domain }) },
        };
        if (violations is { Count: > 0 })
        {
            var badRequest = new BadRequest();
            badRequest.FieldViolations.AddRange(violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description, Reason = v.Reason }));
            status.Details.Add(Any.Pack(badRequest));
        }

        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(Formatter.Format(status), context.RequestAborted);
    }
}
