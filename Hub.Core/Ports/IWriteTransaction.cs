using Hub.Core.Access;

namespace Hub.Core.Ports;

/// <summary>
/// One write's unit of work: the change the stores make through it, its audit entries and the request's stored
/// response commit together, or none of them does. Rules hand it to stores without looking inside; only the store
/// technology that opened it knows what it holds (a PostgreSQL connection and transaction).
/// </summary>
public interface IWriteTransaction
{
    /// <summary>Queues the change's audit entry in this transaction; it is sequenced into the log after the commit.</summary>
    Task AuditAsync(AccessRecord record, CancellationToken cancellationToken);
}
