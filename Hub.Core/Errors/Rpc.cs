namespace Hub.Core.Errors;

/// <summary>
/// The one shape of an RPC: the request parsed into a command (<see cref="Outcome{T}"/>), the rule run on it, the result
/// mapped to the response or to its status (docs/errors.md). gRPC services are one line each through this.
/// </summary>
public static class Rpc
{
    public static async Task<TResponse> RunAsync<TCommand, TResponse>(Outcome<TCommand> command, Func<TCommand, Task<Outcome<TResponse>>> rule)
    {
        if (command.Failed)
        {
            throw command.Error.ToRpcException();
        }

        return Respond(await rule(command.Value));
    }

    /// <summary>For an RPC whose request carries nothing to parse.</summary>
    public static async Task<TResponse> RunAsync<TResponse>(Task<Outcome<TResponse>> rule) => Respond(await rule);

    /// <summary>
    /// For a server-streaming RPC: the rule writes its messages itself and returns null when it ends well, or the error
    /// that ends the stream (before or after messages were sent).
    /// </summary>
    public static async Task StreamAsync<TCommand>(Outcome<TCommand> command, Func<TCommand, Task<HubError?>> rule)
    {
        if (command.Failed)
        {
            throw command.Error.ToRpcException();
        }

        if (await rule(command.Value) is { } error)
        {
            throw error.ToRpcException();
        }
    }

    /// <summary>The response, or the status the error maps to.</summary>
    public static TResponse Respond<TResponse>(Outcome<TResponse> outcome) => outcome.Failed ? throw outcome.Error.ToRpcException() : outcome.Value;
}
