using Google.Protobuf;
using Hub.Core.Errors;

namespace Hub.Core.Ports;

/// <summary>
/// Runs a request at most once per (caller, request_id): a retry gets the first response back and causes nothing new;
/// the same request_id with other content is refused.
/// </summary>
public interface IIdempotentRunner
{
    /// <summary>
    /// For work that makes no database change of its own beyond its log entry (checks, brokered queries): no
    /// transaction is held while it runs.
    /// </summary>
    Task<Outcome<TResponse>> RunOnceAsync<TResponse>(
        Guid callerId, string requestId, string operation, IMessage request, Func<CancellationToken, Task<Outcome<TResponse>>> work, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new();

    /// <summary>
    /// For a state change: the work runs in one <see cref="IWriteTransaction"/> with the request_id's claim and stored
    /// response; a failed outcome rolls everything back, so a later retry runs again.
    /// </summary>
    Task<Outcome<TResponse>> RunInTransactionAsync<TResponse>(
        Guid callerId, string requestId, string operation, IMessage request, Func<IWriteTransaction, Task<Outcome<TResponse>>> work, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new();
}
