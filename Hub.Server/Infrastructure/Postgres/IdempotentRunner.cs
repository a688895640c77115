using Google.Protobuf;
using Hub.Core.Errors;
using Hub.Core.Ports;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// <see cref="IIdempotentRunner"/> for work that makes no database change of its own beyond its log entry (the
/// exemption checks, brokered queries): the first response is kept, a retry gets it back, and no database
/// connection is held while the work runs (a brokered query waits on another department's system).
/// </summary>
public sealed class IdempotentRunner(IdempotentRequests requests) : IIdempotentRunner
{
    public Task<Outcome<TResponse>> RunOnceAsync<TResponse>(
        Guid callerId, string requestId, string operation, IMessage request, Func<CancellationToken, Task<Outcome<TResponse>>> work, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new() =>
        requests.RunDetachedAsync(callerId, requestId, operation, request, work, cancellationToken);
}
