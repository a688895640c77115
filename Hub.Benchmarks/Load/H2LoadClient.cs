using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Hub.Core.Contracts;
using Hub.Verification.V1;
using Npgsql;

namespace Hub.Benchmarks.Load;

/// <summary>
/// The same scenarios driven by nghttp2's <c>h2load</c>, an independent load generator in C, so that a bottleneck in
/// our own C# client cannot hide the server's. The harness writes the gRPC frame (the 5-byte prefix and the protobuf
/// message) h2load sends on every stream; h2load sees only HTTP statuses and a gRPC error is HTTP 200, so successes are
/// counted where the hub records them: the access-log entries with outcome VALID that the run added.
/// </summary>
internal static partial class H2LoadClient
{
    /// <summary>What h2load can drive: one body for every request, so no scenario that needs a fresh request id.</summary>
    public static readonly string[] Scenarios = [LoadOptions.Baseline, "verify"];

    public static async Task<ScenarioResult> MeasureAsync(HubUnderLoad hub, string scenario, LoadOptions options)
    {
        var dataSource = hub.DataSource
            ?? throw new InvalidOperationException("--client h2load counts successes in the hub's access log: it needs the hub the harness starts, not --url");
        (string Path, IMessage Message, string? ApiKey) request = scenario switch
        {
            LoadOptions.Baseline => ("/hub.verification.v1.VerificationService/GetSigningKeys", new GetSigningKeysRequest(), null),
            "verify" => ("/hub.verification.v1.VerificationService/VerifyLicense",
                new VerifyLicenseRequest { Identifier = hub.Seeded[0].Identifier, Purpose = "压测核验" }, hub.VerifierKey),
            _ => throw new ArgumentException($"h2load drives only {string.Join(", ", Scenarios)}, not '{scenario}'"),
        };
        var (path, message, apiKey) = request;

        var work = Directory.CreateTempSubdirectory("hub-h2load-");
        try
        {
            var body = Path.Combine(work.FullName, "request.grpc");
            await File.WriteAllBytesAsync(body, Frame(message));
            // The C# client's connections, the in-flight streams spread over them (h2load's -c and -m).
            var connections = Math.Clamp(options.Connections, 1, options.Concurrency);
            var streams = (options.Concurrency + connections - 1) / connections;
            string[] Arguments(int seconds, string? log) =>
            [
                "-D", seconds.ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-m", streams.ToString(CultureInfo.InvariantCulture), "-H", "content-type: application/grpc", "-H", "te: trailers",
                .. apiKey is null ? Array.Empty<string>() : ["-H", "authorization: Bearer " + apiKey],
                "-d", body, .. log is null ? Array.Empty<string>() : ["--log-file", log], hub.Url + path,
            ];

            // A short warm-up in its own run, so the measured run's access-log growth is the measured requests' alone.
            await RunAsync(Arguments(options.WarmupSeconds, null), options.SplitCpus);
            var before = scenario == LoadOptions.Baseline ? 0 : await CountValidAsync(dataSource, hub.VerifierCallerId);
            var log = Path.Combine(work.FullName, "requests.tsv");
            // h2load is a process of its own, so what this process allocates meanwhile is the hub's.
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var report = await RunAsync(Arguments(options.DurationSeconds, log), options.SplitCpus);
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var latencies = (await File.ReadAllLinesAsync(log))
                .Select(line => line.Split('\t'))
                .Where(columns => columns.Length >= 3)
                .Select(columns => double.Parse(columns[2], CultureInfo.InvariantCulture) / 1000.0)
                .Order()
                .ToArray();

            // GetSigningKeys writes no entry: its successes are the 2xx h2load counts (it has no failure a client can cause).
            var succeeded = scenario == LoadOptions.Baseline ? report.Succeeded : await CountValidAsync(dataSource, hub.VerifierCallerId) - before;
            return new ScenarioResult(
                scenario + " (h2load)", options.Concurrency, succeeded / report.Seconds,
                Percentiles.Of(latencies, 0.5), Percentiles.Of(latencies, 0.9), Percentiles.Of(latencies, 0.99),
                latencies.Length == 0 ? double.NaN : latencies[^1], succeeded, Math.Max(0, report.Done - succeeded))
            {
                HubBytesPerCall = allocated / (double)Math.Max(1, report.Done),
            };
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>A gRPC message as it travels: no compression flag, the length big-endian, then the protobuf bytes.</summary>
    public static byte[] Frame(IMessage message)
    {
        var payload = message.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1, 4), payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    private static async Task<long> CountValidAsync(NpgsqlDataSource dataSource, Guid callerId)
    {
        // One statement, one snapshot: an entry the log writer moves from the queue to the log meanwhile counts once.
        await using var command = dataSource.CreateCommand(
            """
            SELECT (SELECT count(*) FROM access_log WHERE caller_id = $1 AND action = $2 AND outcome = $3)
                 + (SELECT count(*) FROM access_log_queue WHERE caller_id = $1 AND action = $2 AND outcome = $3)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = callerId });
        command.Parameters.Add(new NpgsqlParameter { Value = AuditActions.VerificationVerifyLicense });
        command.Parameters.Add(new NpgsqlParameter { Value = AuditOutcomes.Valid });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<H2LoadReport> RunAsync(string[] arguments, bool onClientCpus)
    {
        var start = onClientCpus ? CpuSplit.OnCpus(CpuSplit.ClientCpus, ["h2load", .. arguments]) : new ProcessStartInfo("h2load");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        if (!onClientCpus)
        {
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("h2load is not installed (Debian: apt-get install nghttp2-client)", e);
        }

        using (process)
        {
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? H2LoadReport.Parse(output) : throw new InvalidOperationException($"h2load exited with {process.ExitCode}: {output}");
        }
    }

    /// <summary>The lines of h2load's summary the harness reads.</summary>
    private sealed record H2LoadReport(double Seconds, long Done, long Succeeded)
    {
        public static H2LoadReport Parse(string output)
        {
            var finished = FinishedLine().Match(output);
            var requests = RequestsLine().Match(output);
            if (!finished.Success || !requests.Success)
            {
                throw new InvalidOperationException("h2load's summary was not understood: " + output);
            }

            return new H2LoadReport(
                double.Parse(finished.Groups["seconds"].Value, CultureInfo.InvariantCulture),
                long.Parse(requests.Groups["done"].Value, CultureInfo.InvariantCulture),
                long.Parse(requests.Groups["ok"].Value, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"finished in (?<seconds>[0-9.]+)s")]
    private static partial Regex FinishedLine();

    [GeneratedRegex(@"requests: \d+ total, \d+ started, (?<done>\d+) done, (?<ok>\d+) succeeded")]
    private static partial Regex RequestsLine();
}
