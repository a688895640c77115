using Grpc.Core;
using Hub.Core.Contracts;
using Hub.Core.Errors;

namespace Hub.Core.Callers;

/// <summary>Reads the caller the authentication interceptor put on the call.</summary>
public static class CallContextExtensions
{
    /// <summary>The key under which the interceptor stores the <see cref="Caller"/> in <see cref="ServerCallContext.UserState"/>.</summary>
    public const string CallerKey = "hub.caller";

    /// <summary>The authenticated caller; an RPC marked anonymous has none and must not ask.</summary>
    public static Caller GetCaller(this ServerCallContext context) =>
        context.UserState.TryGetValue(CallerKey, out var value) && value is Caller caller
            ? caller
            : throw new HubException(new HubError(HubErrorCode.Unauthenticated, ReasonCodes.Unauthenticated, "this call needs credentials"));
}
