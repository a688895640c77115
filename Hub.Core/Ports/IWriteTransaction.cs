using Hub.Core.Access;
using Hub.Core.Events;

namespace Hub.Core.Ports;

/// <summary>
/// One write's unit of work: the change the stores make through it, its audit entries, its change events and the
/// request's stored response commit together, or none of them does. Rules hand it to stores without looking inside;
/// only the store technology that opened it knows what it holds (a PostgreSQL connection and transaction).
/// </summary>
public interface IWriteTransaction
{
    /// <summary>Queues the change's audit entry in this transaction; it is sequenced into the log after the commit.</summary>
    Task AuditAsync(AccessRecord record, CancellationToken cancellationToken) => AuditAsync(record, [], cancellationToken);

    /// <summary>
    /// Queues the change's audit entry and the events it causes; after the commit the entry gets its log index and
    /// the events, in order, their event ids and that log index.
    /// </summary>
    Task AuditAsync(AccessRecord record, IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken);
}
