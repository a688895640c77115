using Hub.Core.Contracts;

namespace Hub.Core.Errors;

/// <summary>
/// An expected failure: a code, a stable machine-readable reason (UPPER_SNAKE), a message for people,
/// and, for bad input, the offending fields.
/// </summary>
public sealed record HubError(HubErrorCode Code, string Reason, string Message)
{
    public IReadOnlyList<FieldViolation> Violations { get; init; } = [];

    /// <summary>Extra facts for <c>google.rpc.ErrorInfo.metadata</c> (never personal data).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    /// <summary>For <see cref="HubErrorCode.ResourceExhausted"/> and <see cref="HubErrorCode.Unavailable"/>: when to retry.</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static HubError InvalidArgument(IReadOnlyList<FieldViolation> violations) =>
        new(HubErrorCode.InvalidArgument, ReasonCodes.InvalidArgument,
            violations.Count == 1
                ? $"{violations[0].Field}: {violations[0].Description}"
                : $"{violations.Count} fields are invalid; see the field violations.")
        { Violations = violations };

    public static HubError InvalidArgument(string field, string description) =>
        InvalidArgument([new FieldViolation(field, description)]);

    public static HubError NotFound(string reason, string message) => new(HubErrorCode.NotFound, reason, message);

    public static HubError PermissionDenied(string reason, string message) =>
        new(HubErrorCode.PermissionDenied, reason, message);

    public static HubError FailedPrecondition(string reason, string message) =>
        new(HubErrorCode.FailedPrecondition, reason, message);

    public static HubError AlreadyExists(string reason, string message) =>
        new(HubErrorCode.AlreadyExists, reason, message);

    public static HubError Unavailable(string reason, string message) => new(HubErrorCode.Unavailable, reason, message);
}
