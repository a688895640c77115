using Microsoft.Extensions.Diagnostics.HealthChecks;
using Hub.Server.Infrastructure.Hosting;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>Reports whether the database answers a trivial query within two seconds.</summary>
internal sealed class PostgresHealthCheck(NpgsqlDataSource dataSource, TimeProvider time) : MemoizedHealthCheck(time)
{
    protected override async Task<HealthCheckResult> ProbeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("PostgreSQL answers");
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer", e);
        }
    }
}
