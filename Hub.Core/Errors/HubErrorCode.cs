namespace Hub.Core.Errors;

/// <summary>The kinds of expected failure; each maps to exactly one gRPC status in <see cref="HubErrorMapping"/>.</summary>
public enum HubErrorCode
{
    InvalidArgument,
    NotFound,
    AlreadyExists,
    PermissionDenied,
    Unauthenticated,
    FailedPrecondition,
    ResourceExhausted,
    Unavailable,
    Aborted,

    /// <summary>The operation does not exist as asked (REST: a path with another verb, 405).</summary>
    Unimplemented,
}
