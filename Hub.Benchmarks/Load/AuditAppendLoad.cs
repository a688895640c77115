using System.Diagnostics;
using System.Globalization;
using Dapper;
using Hub.Core.Access;
using Hub.Server.Audit;
using Hub.Server.Infrastructure.Embedded;
using Hub.Server.Infrastructure.Postgres;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Keys;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Benchmarks.Load;

/// <summary>
/// Access-log throughput and checkpoint lag on a private, durable PostgreSQL (fsync on, as in production).
/// Baseline: one transaction per entry, sequenced after its commit (how writes append). Measured: the group-commit appender reads use, with
/// the checkpointer signing on the hub's default cadence (Hub:Audit). Lag = checkpoint commit time − entry time.
/// </summary>
internal static class AuditAppendLoad
{
    public static async Task<int> RunAsync(string[] args) => (await MeasureAsync(args, Console.Out)).Checkpoints > 0 ? 0 : 1;

    /// <summary>Runs both measurements, printing a table row for each, and returns what was measured.</summary>
    public static async Task<AuditAppendResult> MeasureAsync(string[] args, TextWriter output)
    {
        var seconds = Option(args, "--seconds", 10);
        var concurrency = Option(args, "--concurrency", 64);
        var checkpointMs = Option(args, "--checkpoint-ms", new AuditOptions().CheckpointIntervalMilliseconds);
        var state = Directory.CreateTempSubdirectory("hub-bench-").FullName;
        var cluster = EmbeddedPostgres.Start(new EmbeddedPostgresSettings { StateDirectory = state, PreferredPort = 0, Durable = true });
        try
        {
            await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
            await new MigrationRunner(dataSource, NullLogger<MigrationRunner>.Instance).RunAsync(Migration.LoadEmbedded(), CancellationToken.None);
            await using var group = new GroupCommitAccessLog(dataSource, TimeProvider.System, NullLogger<GroupCommitAccessLog>.Instance);
            var single = new PostgresAccessLog(group, TimeProvider.System, NullLogger<PostgresAccessLog>.Instance);
            var baseline = await MeasureAsync(output, "one transaction per entry, sequenced after commit (how writes append; baseline)", async r =>
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var transaction = await connection.BeginTransactionAsync();
                await single.AppendAsync(connection, transaction, r, CancellationToken.None);
                await single.CommitAsync(transaction, CancellationToken.None);
            }, TimeSpan.FromSeconds(seconds), concurrency);

            await using (var connection = await dataSource.OpenConnectionAsync())
            {
                await connection.ExecuteAsync("ALTER TABLE access_log DISABLE TRIGGER USER; TRUNCATE access_log; ALTER TABLE access_log ENABLE TRIGGER USER; UPDATE log_head SET size = 0;");
            }

            var master = MasterKey.Resolve(Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)), state, embedded: false);
            var keys = new SigningKeyRing(new PostgresSigningKeyStore(dataSource, single, TimeProvider.System), master, Options.Create(new SigningOptions()), TimeProvider.System, NullLogger<SigningKeyRing>.Instance);
            await keys.InitializeAsync("CN=bench", CancellationToken.None);
            var writer = new CheckpointWriter(new PostgresCheckpointStore(dataSource), keys, Options.Create(new AuditOptions()), TimeProvider.System, NullLogger<CheckpointWriter>.Instance);
            using var stop = new CancellationTokenSource();
            var checkpointing = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(checkpointMs));
                while (await timer.WaitForNextTickAsync(stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result))
                {
                    await writer.WriteAsync(CancellationToken.None);
                }
            });
            var measured = await MeasureAsync(output, "group commit (reads)", r => group.AppendAsync(r, CancellationToken.None), TimeSpan.FromSeconds(seconds), concurrency);
            await Task.Delay(1500);
            stop.Cancel();
            await checkpointing;
            await writer.WriteAsync(CancellationToken.None);

            await using var db = await dataSource.OpenConnectionAsync();
            var lag = await db.QuerySingleAsync<(double P50, double P99, double Max, long Checkpoints)>("""
                SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag), percentile_cont(0.99) WITHIN GROUP (ORDER BY lag), max(lag),
                       (SELECT count(*) FROM checkpoints)
                FROM (SELECT extract(epoch FROM c.created_at - a.occurred_at) AS lag
                      FROM access_log a
                      CROSS JOIN LATERAL (SELECT created_at FROM checkpoints WHERE tree_size > a.log_index ORDER BY tree_size LIMIT 1) c) t
                """);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| group commit vs baseline | {measured / baseline:0.0}× |"));
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| checkpoint lag p50 / p99 / max (checkpoint every {checkpointMs} ms) | {lag.P50 * 1000:0} ms / {lag.P99 * 1000:0} ms / {lag.Max * 1000:0} ms over {lag.Checkpoints} checkpoints |"));
            return new AuditAppendResult(baseline, measured, lag.P50, lag.P99, lag.Max, lag.Checkpoints);
        }
        finally
        {
            cluster.Destroy(state);
            Directory.Delete(state, recursive: true);
        }
    }

    private static async Task<double> MeasureAsync(TextWriter output, string name, Func<AccessRecord, Task> append, TimeSpan duration, int concurrency)
    {
        var count = 0L;
        var stopwatch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var record = new AccessRecord { CallerId = Guid.NewGuid(), Action = "bench.Read", ObjectType = "license", ObjectId = $"w{worker}", Purpose = "压测", Fields = ["holder.name"], Outcome = "OK" };
            while (stopwatch.Elapsed < duration)
            {
                await append(record);
                Interlocked.Increment(ref count);
            }
        });
        await Task.WhenAll(workers);
        var rate = count / stopwatch.Elapsed.TotalSeconds;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"| {name} | {rate:0} appends/s ({count} in {stopwatch.Elapsed.TotalSeconds:0.0} s, {concurrency} in flight) |"));
        return rate;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}

/// <summary>What <c>audit-append</c> measured: appends/s for each way, and checkpoint lag in seconds.</summary>
internal sealed record AuditAppendResult(double BaselinePerSecond, double GroupCommitPerSecond, double LagP50, double LagP99, double LagMax, long Checkpoints);
