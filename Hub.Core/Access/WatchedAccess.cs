using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Ports;

namespace Hub.Core.Access;

/// <summary>The refusals of <see cref="IAccessWatch"/>: audited (the holder sees the attempt), then RESOURCE_EXHAUSTED.</summary>
public static class WatchedAccess
{
    /// <summary>Null when the caller may reach the record's holder; else the refusal, already in the access log.</summary>
    public static async Task<HubError?> AdmitHolderAsync(this IAccessWatch watch, IAccessLog log, AccessRecord audit, CancellationToken cancellationToken)
    {
        if (audit.HolderIndex is null || watch.AdmitHolder(audit.CallerId, audit.HolderIndex))
        {
            return null;
        }

        return await RefuseAsync(log, audit, ReasonCodes.HolderLimitExceeded, watch.RetryAfter,
            "this caller reached more distinct holders this hour than its limit allows; the attempt is logged.", cancellationToken);
    }

    /// <summary>Null while the caller has failed guesses left; else the refusal, already in the access log.</summary>
    public static async Task<HubError?> AdmitGuessesAsync(this IAccessWatch watch, IAccessLog log, AccessRecord audit, CancellationToken cancellationToken) =>
        watch.GuessesLeft(audit.CallerId)
            ? null
            : await RefuseAsync(log, audit, ReasonCodes.GuessLimitExceeded, watch.RetryAfter,
                "this caller's EQUALS assertions failed more often this hour than its limit allows; the attempt is logged.", cancellationToken);

    private static async Task<HubError> RefuseAsync(IAccessLog log, AccessRecord audit, string reason, TimeSpan retryAfter, string message, CancellationToken cancellationToken)
    {
        await log.AppendAsync(audit with { Fields = [], Outcome = AuditOutcomes.Refused(reason) }, cancellationToken);
        return new HubError(HubErrorCode.ResourceExhausted, reason, message) { RetryAfter = retryAfter };
    }
}
