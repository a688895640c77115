using Dapper;
using Hub.Core.Ports;
using Hub.Server.Infrastructure.Postgres;

namespace Hub.Server.Events.Supervision;

/// <summary>The PostgreSQL <see cref="ISupervisionStore"/>: <c>supervision_results</c>.</summary>
public sealed class PostgresSupervisionStore : ISupervisionStore
{
    public async Task RecordAsync(IWriteTransaction transaction, SupervisionRecord record, CancellationToken cancellationToken)
    {
        var postgres = PostgresWriteTransaction.Of(transaction);
        await postgres.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO supervision_results (result_id, license_id, caller_id, result, detail, reported_at)
            VALUES (@ResultId, @LicenseId, @CallerId, @Result, @Detail, @ReportedAt)
            """,
            record,
            postgres.Transaction,
            cancellationToken: cancellationToken));
    }
}
