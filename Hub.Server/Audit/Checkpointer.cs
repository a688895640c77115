using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Server.Audit;

/// <summary>
/// The background service that keeps checkpoints current: at most every <see cref="AuditOptions.CheckpointIntervalMilliseconds"/>
/// (sooner when <see cref="AuditOptions.CheckpointAfterEntries"/> are waiting). With several replicas on one database,
/// exactly one — the holder of a session-level PostgreSQL advisory lock — writes checkpoints; if it stops, another
/// takes over at its next tick.
/// </summary>
internal sealed class Checkpointer(
    NpgsqlDataSource dataSource, CheckpointWriter writer, IOptions<AuditOptions> options, TimeProvider time, ILogger<Checkpointer> logger) : BackgroundService
{
    // Arbitrary constant shared by every replica: "hub-ckpt".
    private const long LeaderLockKey = 0x6875622D636B7074;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        NpgsqlConnection? leader = null;
        var lastAttempt = DateTimeOffset.MinValue;
        try
        {
            using var timer = new PeriodicTimer(Tick, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    leader ??= await TryLeadAsync(stoppingToken);
                    if (leader is null)
                    {
                        continue;
                    }

                    var due = time.GetUtcNow() - lastAttempt >= TimeSpan.FromMilliseconds(options.Value.CheckpointIntervalMilliseconds)
                        || await PendingAsync(leader, stoppingToken) >= options.Value.CheckpointAfterEntries;
                    if (due)
                    {
                        lastAttempt = time.GetUtcNow();
                        await writer.WriteAsync(stoppingToken);
                    }
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    logger.CheckpointFailed(e);
                    if (leader is not null)
                    {
                        await leader.DisposeAsync();
                        leader = null;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            if (leader is not null)
            {
                await leader.DisposeAsync();
            }
        }
    }

    private async Task<NpgsqlConnection?> TryLeadAsync(CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT pg_try_advisory_lock(@key)", new { key = LeaderLockKey }, cancellationToken: cancellationToken)))
        {
            logger.CheckpointLeader();
            return connection;
        }

        await connection.DisposeAsync();
        return null;
    }

    private static async Task<long> PendingAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT (SELECT size FROM log_head) - COALESCE((SELECT max(tree_size) FROM checkpoints), 0)", cancellationToken: cancellationToken));
}
