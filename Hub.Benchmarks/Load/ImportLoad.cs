using System.Diagnostics;
using Grpc.Core;
using Hub.Common.V1;
using Hub.Licenses.V1;
using Npgsql;

namespace Hub.Benchmarks.Load;

/// <summary>
/// Bulk import (归集) through ImportLicenses as a source system would stream it: batches of 1,000 records, a few ahead
/// of the hub's answers. Also the ceiling: raw binary COPY of the very rows the import wrote into empty copies of the
/// tables (same indexes), i.e. what PostgreSQL alone does with no sealing, validation or audit.
/// </summary>
internal static class ImportLoad
{
    public const int BatchSize = 1000;
    private const int InFlightBatches = 4;

    public static ImportRecord Record(string prefix, int n) => new()
    {
        Sequence = (ulong)n,
        TypeCode = HubUnderLoad.TypeCode,
        LicenseNumber = $"{prefix}-{n:0000000}",
        Holder = new Holder { Name = "压测用户", IdType = HolderIdType.CitizenId, IdNumber = HubUnderLoad.CitizenId(n) },
        ValidFrom = new Google.Type.Date { Year = 2015, Month = 1, Day = 1 },
        IssuedOn = new Google.Type.Date { Year = 2014, Month = 12, Day = 30 },
        SourceSystem = "LOAD-SOURCE",
        Face = { ["category"] = "A类", ["address"] = "陕西省西安市雁塔区科技路1号" },
    };

    /// <summary>Streams records first..first+count−1; returns rows/s, per-batch latencies and each record's identifier.</summary>
    public static async Task<(ScenarioResult Result, Dictionary<ulong, string> Identifiers)> StreamAsync(
        LicenseService.LicenseServiceClient client, Metadata key, string prefix, int first, int count, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        var identifiers = new Dictionary<ulong, string>(count);
        var latencies = new List<double>();
        var errors = 0L;
        var sent = new System.Collections.Concurrent.ConcurrentQueue<long>();
        using var window = new SemaphoreSlim(InFlightBatches);
        var clock = Stopwatch.StartNew();
        using var call = client.ImportLicenses(key, cancellationToken: cancellationToken);
        var done = 0L;
        var reading = Task.Run(
            async () =>
            {
                await foreach (var answer in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    sent.TryDequeue(out var started);
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    errors += answer.Rejected;
                    foreach (var license in answer.Licenses)
                    {
                        identifiers[license.Sequence] = license.Identifier;
                    }

                    done += answer.Imported + answer.AlreadyPresent + answer.Rejected;
                    progress?.Invoke(done);
                    window.Release();
                }
            },
            cancellationToken);
        for (var start = first; start < first + count; start += BatchSize)
        {
            var batch = new ImportLicensesRequest();
            for (var n = start; n < Math.Min(first + count, start + BatchSize); n++)
            {
                batch.Records.Add(Record(prefix, n));
            }

            await window.WaitAsync(cancellationToken);
            sent.Enqueue(Stopwatch.GetTimestamp());
            await call.RequestStream.WriteAsync(batch, cancellationToken);
        }

        await call.RequestStream.CompleteAsync();
        await reading;
        var elapsed = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        double Percentile(double p) => Percentiles.Of(sorted, p);
        return (new ScenarioResult("import", 1, count / elapsed, Percentile(0.5), Percentile(0.9), Percentile(0.99), sorted.Length == 0 ? double.NaN : sorted[^1], count, errors), identifiers);
    }

    /// <summary>
    /// Binary COPY of the rows a prefix's import wrote (licenses, their versions, their audit entries) into empty
    /// copies of the three tables with the same indexes: rows/s of PostgreSQL alone. The rows are read out first to
    /// temporary files; only the COPY in is timed.
    /// </summary>
    public static async Task<ScenarioResult> CopyCeilingAsync(NpgsqlDataSource dataSource, string prefix, int rows)
    {
        var folder = Directory.CreateTempSubdirectory("hub-copy-ceiling-").FullName;
        try
        {
            var tables = new (string Table, string Select)[]
            {
                ("licenses", $"SELECT * FROM licenses WHERE license_number LIKE '{prefix}-%'"),
                ("license_versions", $"SELECT v.* FROM license_versions v JOIN licenses l USING (license_id) WHERE l.license_number LIKE '{prefix}-%'"),
                ("access_log", $"SELECT a.* FROM access_log a JOIN license_versions v ON v.identifier = a.object_id JOIN licenses l USING (license_id) WHERE a.action = 'licenses.ImportLicenses' AND l.license_number LIKE '{prefix}-%'"),
            };
            await using var connection = await dataSource.OpenConnectionAsync();
            foreach (var (table, select) in tables)
            {
                await using var file = File.Create(Path.Combine(folder, table));
                await using (var reader = await connection.BeginRawBinaryCopyAsync($"COPY ({select}) TO STDOUT (FORMAT BINARY)"))
                {
                    await reader.CopyToAsync(file);
                }

                await using var create = new NpgsqlCommand($"DROP TABLE IF EXISTS ceiling_{table}; CREATE UNLOGGED TABLE ceiling_{table} (LIKE {table} INCLUDING DEFAULTS INCLUDING INDEXES); ALTER TABLE ceiling_{table} SET LOGGED", connection);
                await create.ExecuteNonQueryAsync();
            }

            var clock = Stopwatch.StartNew();
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                foreach (var (table, _) in tables)
                {
                    await using var file = File.OpenRead(Path.Combine(folder, table));
                    await using var writer = await connection.BeginRawBinaryCopyAsync($"COPY ceiling_{table} FROM STDIN (FORMAT BINARY)");
                    await file.CopyToAsync(writer);
                }

                await transaction.CommitAsync();
            }

            var elapsed = clock.Elapsed.TotalSeconds;
            await using var drop = new NpgsqlCommand(string.Join(";", tables.Select(t => $"DROP TABLE ceiling_{t.Table}")), connection);
            await drop.ExecuteNonQueryAsync();
            return new ScenarioResult("copy-ceiling", 1, rows / elapsed, double.NaN, double.NaN, double.NaN, elapsed * 1000, rows, 0);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
