namespace Hub.Core.Access;

/// <summary>
/// The append-only access log every data-touching RPC writes to. A read appends here before its answer leaves;
/// a state change writes its entry in its own transaction through the store that makes the change.
/// </summary>
public interface IAccessLog
{
    /// <summary>Appends one record in its own transaction; when this returns, the entry is durable.</summary>
    Task<AccessLogEntry> AppendAsync(AccessRecord record, CancellationToken cancellationToken);
}
