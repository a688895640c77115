using Google.Protobuf;
using Hub.Core.Errors;

namespace Hub.Core.Ports;

/// <summary>
/// Runs a request at most once per (caller, request_id): a retry gets the first response back and causes nothing new;
/// the same request_id with other content is refused.
/// </summary>
public interface IIdempotentRunner
{
    Task<Outcome<TResponse>> RunOnceAsync<TResponse>(
        Guid callerId, string requestId, string operation, IMessage request, Func<CancellationToken, Task<Outcome<TResponse>>> work, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new();
}
