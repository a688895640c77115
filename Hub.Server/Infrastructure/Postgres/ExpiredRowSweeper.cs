using Dapper;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// Deletes one-time nonces an hour after they expire and idempotency records after 30 days, every ten minutes,
/// so neither table grows without bound.
/// </summary>
internal sealed class ExpiredRowSweeper(NpgsqlDataSource dataSource, TimeProvider time, ILogger<ExpiredRowSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(10), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                const string sql = """
                    DELETE FROM one_time_nonces WHERE expires_at < @now - interval '1 hour';
                    DELETE FROM idempotency_keys WHERE created_at < @now - interval '30 days';
                    """;
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                var deleted = await connection.ExecuteAsync(new CommandDefinition(sql, new { now = time.GetUtcNow() }, cancellationToken: stoppingToken));
                logger.ExpiredRowsSwept(deleted);
            }
            catch (NpgsqlException e)
            {
                logger.SweepFailed(e);
            }
        }
    }
}
