using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Hub.Core.Errors;

/// <summary>The one place a <see cref="HubError"/> becomes a gRPC status with <c>google.rpc</c> details.</summary>
public static class HubErrorMapping
{
    public const string Domain = "hub.gov.cn";

    // No discard arm: a new HubErrorCode without a status here fails the build (CS8509). CS8524 only
    // concerns values outside the enum, which no code path produces.
#pragma warning disable CS8524
    public static StatusCode ToStatusCode(this HubErrorCode code) => code switch
    {
        HubErrorCode.InvalidArgument => StatusCode.InvalidArgument,
        HubErrorCode.NotFound => StatusCode.NotFound,
        HubErrorCode.AlreadyExists => StatusCode.AlreadyExists,
        HubErrorCode.PermissionDenied => StatusCode.PermissionDenied,
        HubErrorCode.Unauthenticated => StatusCode.Unauthenticated,
        HubErrorCode.FailedPrecondition => StatusCode.FailedPrecondition,
        HubErrorCode.ResourceExhausted => StatusCode.ResourceExhausted,
        HubErrorCode.Unavailable => StatusCode.Unavailable,
        HubErrorCode.Aborted => StatusCode.Aborted,
        HubErrorCode.Unimplemented => StatusCode.Unimplemented,
    };
#pragma warning restore CS8524

    /// <summary>The detail types a status carries, for JSON writers that must name them (REST).</summary>
    public static readonly Google.Protobuf.Reflection.TypeRegistry DetailTypes =
        Google.Protobuf.Reflection.TypeRegistry.FromMessages(ErrorInfo.Descriptor, BadRequest.Descriptor, RetryInfo.Descriptor);

    public static RpcException ToRpcException(this HubError error) => error.ToStatus().ToRpcException();

    /// <summary>The retry delay an UNAVAILABLE carries when its error names none.</summary>
    public static readonly TimeSpan UnavailableRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The <c>google.rpc.Status</c> of an error: its code, message, ErrorInfo and, where they apply, BadRequest and RetryInfo.</summary>
    public static Google.Rpc.Status ToStatus(this HubError error)
    {
        var info = new ErrorInfo { Reason = error.Reason, Domain = Domain };
        foreach (var (key, value) in error.Metadata)
        {
            info.Metadata[key] = value;
        }

        var status = new Google.Rpc.Status
        {
            Code = (int)error.Code.ToStatusCode(),
            Message = error.Message,
            Details = { Any.Pack(info) },
        };
        if (error.Violations.Count > 0)
        {
            var badRequest = new BadRequest();
            foreach (var violation in error.Violations)
            {
                badRequest.FieldViolations.Add(
                    new BadRequest.Types.FieldViolation { Field = violation.Field, Description = violation.Description, Reason = violation.Reason });
            }

            status.Details.Add(Any.Pack(badRequest));
        }

        // Every UNAVAILABLE says when to try again (a database restarting, a provider away): a second unless the
        // error knows better, so clients back off instead of hammering a hub that is recovering.
        if ((error.RetryAfter ?? (error.Code == HubErrorCode.Unavailable ? UnavailableRetryDelay : null)) is { } retryAfter)
        {
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(retryAfter) }));
        }

        return status;
    }
}
