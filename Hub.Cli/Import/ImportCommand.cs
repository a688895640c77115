using System.CommandLine;
using System.Text.Json;
using Grpc.Core;
using Hub.Licenses.V1;

namespace Hub.Cli.Import;

/// <summary>
/// <c>hubctl licenses import FILE</c>: 归集 from a JSONL or CSV file through ImportLicenses. Batches stream to the hub
/// a few at a time; rejected rows go to <c>FILE.rejects.jsonl</c> with their line, field and reason. Run it again
/// after any interruption (even kill -9): rows already imported answer "already present", so every good row ends up
/// in the hub exactly once.
/// </summary>
internal static class ImportCommand
{
    /// <summary>The import ran to the end but some rows were rejected (see the rejects file).</summary>
    public const int RejectedRowsExitCode = ExitCodes.Negative;

    public const int DefaultBatchSize = 1000;
    public const int MaxBatchSize = 2000;

    /// <summary>Batches sent ahead of the hub's answers: enough to keep it busy, few enough to bound memory.</summary>
    private const int InFlightBatches = 4;

    public static Command Create(ConnectionOptions connection, CliEnvironment environment)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "JSONL (one record a line) or CSV (header type_code,license_number,holder_name,holder_id_type,holder_id_number,valid_from,valid_until,issued_on,source_system,face.<field>…)" };
        var format = new Option<string?>("--format") { Description = "jsonl or csv (default: by the file's extension, .csv is CSV)" };
        var batchSize = new Option<int>("--batch-size") { Description = $"Records per batch, 1..{MaxBatchSize}", DefaultValueFactory = _ => DefaultBatchSize };
        var command = new Command("import", "Aggregate (归集) licenses from an existing system's export (ISSUER key)") { file, format, batchSize };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var path = parsed.GetValue(file)!.FullName;
            var kind = ImportFile.FormatOf(path, parsed.GetValue(format));
            var size = parsed.GetValue(batchSize);
            if (kind is not (ImportFile.Jsonl or ImportFile.Csv) || size is < 1 or > MaxBatchSize || !File.Exists(path))
            {
                environment.Error.WriteLine(!File.Exists(path)
                    ? $"error: {path} does not exist"
                    : $"error: --format is jsonl or csv, --batch-size 1..{MaxBatchSize}");
                return 2;
            }

            long total;
            try
            {
                total = ImportFile.Count(path, kind);
            }
            catch (FormatException e)
            {
                environment.Error.WriteLine($"error: {e.Message}");
                return 2;
            }

            using var channel = connection.OpenChannel(parsed, environment);
            var client = new LicenseService.LicenseServiceClient(channel);
            await using var rejects = new RejectsFile(path + ".rejects.jsonl");
            try
            {
                var summary = await ImportProgress.RunAsync(total, environment.Out, progress => RunAsync(client, path, kind, size, progress, rejects, cancellationToken));
                environment.Out.WriteLine($"imported {summary.Imported}, already present {summary.AlreadyPresent}, rejected {summary.Rejected}");
                if (summary.Rejected > 0)
                {
                    environment.Out.WriteLine($"rejected rows: {rejects.Path}");
                }

                return summary.Rejected > 0 ? RejectedRowsExitCode : 0;
            }
            catch (RpcException e)
            {
                environment.Error.WriteLine("the import stopped; run the same command again to finish it (rows already imported are skipped as already present)");
                return ErrorReport.Print(e, environment.Error, connection.Address(parsed));
            }
            catch (FormatException e)
            {
                environment.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static async Task<Summary> RunAsync(
        LicenseService.LicenseServiceClient client, string path, string format, int batchSize, ImportProgress progress, RejectsFile rejects, CancellationToken cancellationToken)
    {
        var summary = new Summary();
        using var call = client.ImportLicenses(cancellationToken: cancellationToken);
        using var window = new SemaphoreSlim(InFlightBatches);
        var sizes = new System.Collections.Concurrent.ConcurrentQueue<int>();
        var reading = Task.Run(
            async () =>
            {
                await foreach (var answer in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    summary.Add(answer);
                    foreach (var rejection in answer.Rejections)
                    {
                        await rejects.WriteAsync((long)rejection.Sequence, rejection.Field, $"{rejection.Code}: {rejection.Reason}");
                    }

                    sizes.TryDequeue(out var size);
                    progress.Advance(size);
                    window.Release();
                }
            },
            cancellationToken);

        var batch = new ImportLicensesRequest();
        async Task SendAsync()
        {
            await window.WaitAsync(cancellationToken);
            sizes.Enqueue(batch.Records.Count);
            batch.BatchId = $"lines {batch.Records[0].Sequence}-{batch.Records[^1].Sequence}";
            await call.RequestStream.WriteAsync(batch, cancellationToken);
            batch = new ImportLicensesRequest();
        }

        foreach (var row in ImportFile.Read(path, format))
        {
            if (reading.IsCompleted)
            {
                break; // the hub ended the stream: its error is read below
            }

            if (row.Record is null)
            {
                summary.RejectLocally();
                await rejects.WriteAsync(row.Line, row.Field!, row.Problem!);
                progress.Advance(1);
                continue;
            }

            batch.Records.Add(row.Record);
            if (batch.Records.Count == batchSize)
            {
                await SendAsync();
            }
        }

        if (batch.Records.Count > 0 && !reading.IsCompleted)
        {
            await SendAsync();
        }

        if (!reading.IsCompleted)
        {
            await call.RequestStream.CompleteAsync();
        }

        await reading;
        return summary;
    }

    private sealed class Summary
    {
        private long _imported;
        private long _alreadyPresent;
        private long _rejected;

        public long Imported => Interlocked.Read(ref _imported);

        public long AlreadyPresent => Interlocked.Read(ref _alreadyPresent);

        public long Rejected => Interlocked.Read(ref _rejected);

        public void Add(ImportLicensesResponse answer)
        {
            Interlocked.Add(ref _imported, answer.Imported);
            Interlocked.Add(ref _alreadyPresent, answer.AlreadyPresent);
            Interlocked.Add(ref _rejected, answer.Rejected);
        }

        public void RejectLocally() => Interlocked.Increment(ref _rejected);
    }

    /// <summary><c>FILE.rejects.jsonl</c>, written anew by each run: one <c>{"line", "field", "reason"}</c> a rejected field.</summary>
    private sealed class RejectsFile(string path) : IAsyncDisposable
    {
        // Chinese reasons stay readable in the file.
        private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private readonly StreamWriter _writer = new(path, append: false, new System.Text.UTF8Encoding(false));
        private readonly SemaphoreSlim _lock = new(1, 1);

        public string Path { get; } = path;

        public async Task WriteAsync(long line, string field, string reason)
        {
            var json = JsonSerializer.Serialize(new { line, field, reason }, Json);
            await _lock.WaitAsync();
            try
            {
                await _writer.WriteLineAsync(json);
            }
            finally
            {
                _lock.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _writer.DisposeAsync();
            _lock.Dispose();
        }
    }
}
