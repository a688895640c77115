using Hub.Core.Access;
using Hub.Core.Events;
using Hub.Core.Ports;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>The PostgreSQL <see cref="IWriteTransaction"/>: a connection, its open transaction and the access log's queue.</summary>
public sealed class PostgresWriteTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, PostgresAccessLog accessLog) : IWriteTransaction
{
    public NpgsqlConnection Connection { get; } = connection;

    public NpgsqlTransaction Transaction { get; } = transaction;

    public Task AuditAsync(AccessRecord record, IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken) =>
        accessLog.AppendAsync(Connection, Transaction, record, events, cancellationToken);

    /// <summary>The transaction a PostgreSQL store was handed; any other kind is a wiring defect.</summary>
    public static PostgresWriteTransaction Of(IWriteTransaction transaction) =>
        transaction as PostgresWriteTransaction
        ?? throw new InvalidOperationException($"a PostgreSQL store was given a {transaction.GetType().Name}; stores of one database share its transactions.");

    /// <summary>The connection and transaction a store runs its statements on.</summary>
    public static (NpgsqlConnection Connection, NpgsqlTransaction Transaction) Open(IWriteTransaction transaction)
    {
        var postgres = Of(transaction);
        return (postgres.Connection, postgres.Transaction);
    }
}
