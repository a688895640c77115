using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Grpc.Net.Client;

namespace Hub.Benchmarks.Load;

/// <summary>
/// The C# client in a process of its own on the load generators' CPUs (<c>--split-cpus</c>): the same calls and the
/// same measurement as in the harness's process, handed a description of the hub and the seeded licenses, and answering
/// with the result. Meanwhile the harness's process holds only the hub, so what it allocates in the measured window is
/// the hub's allocation per call.
/// </summary>
internal static class ClientProcess
{
    /// <summary>The command a client process is started with (<c>load-client SPEC-FILE</c>).</summary>
    public const string Command = "load-client";

    /// <summary>The scenarios whose calls need nothing of the hub but its API.</summary>
    public static readonly string[] Scenarios = [LoadOptions.Baseline, "verify", "check-matter", "check-license", "issue", "query"];

    private const string Measuring = "measuring";
    private const string ResultPrefix = "result ";
    private static readonly JsonSerializerOptions Wire = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>Runs one scenario in a client process and returns its result, with the hub's bytes allocated per call.</summary>
    public static async Task<ScenarioResult> MeasureAsync(HubUnderLoad hub, string scenario, LoadOptions options)
    {
        var specFile = Path.GetTempFileName();
        try
        {
            var spec = new Spec(
                hub.Url, scenario, options.Concurrency, options.WarmupSeconds, options.DurationSeconds, options.Connections,
                hub.VerifierKey, hub.IssuerKey, hub.ConsumerKey, hub.QueryResource,
                [.. hub.Seeded.Select(s => s.Identifier)], [.. hub.Seeded.Select(s => s.HolderId)]);
            await File.WriteAllTextAsync(specFile, JsonSerializer.Serialize(spec, Wire));
            var start = CpuSplit.OnCpus(CpuSplit.ClientCpus, [.. CpuSplit.SelfCommand, Command, specFile]);
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            using var process = Process.Start(start) ?? throw new InvalidOperationException("the client process did not start");
            var errors = process.StandardError.ReadToEndAsync();
            long? from = null;
            ScenarioResult? result = null;
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line == Measuring)
                {
                    from = GC.GetTotalAllocatedBytes(precise: true);
                }
                else if (line.StartsWith(ResultPrefix, StringComparison.Ordinal) && from is { } before)
                {
                    var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                    var measured = JsonSerializer.Deserialize<ScenarioResult>(line[ResultPrefix.Length..], Wire)!;
                    result = measured with { HubBytesPerCall = allocated / (double)Math.Max(1, measured.Requests + measured.Errors) };
                }
            }

            await process.WaitForExitAsync();
            return process.ExitCode == 0 && result is not null
                ? result
                : throw new InvalidOperationException($"the client process for '{scenario}' failed (exit {process.ExitCode}): {await errors}");
        }
        finally
        {
            File.Delete(specFile);
        }
    }

    /// <summary>The client process: measures the scenario its spec file names and writes the result to <paramref name="output"/>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        if (args.Length != 1)
        {
            await Console.Error.WriteLineAsync($"usage: {Command} SPEC-FILE (started by load --split-cpus)");
            return 2;
        }

        var spec = JsonSerializer.Deserialize<Spec>(await File.ReadAllTextAsync(args[0]), Wire)
            ?? throw new InvalidOperationException("empty client spec");
        var target = new Target(spec);
        try
        {
            var options = new LoadOptions { WarmupSeconds = spec.WarmupSeconds, DurationSeconds = spec.DurationSeconds, Concurrency = spec.Concurrency, Connections = spec.Connections };
            var result = await LoadHarness.MeasureAsync(spec.Scenario, LoadHarness.Call(target, spec.Scenario), options, LoadHarness.Primed(target, spec.Scenario), () =>
            {
                output.WriteLine(Measuring);
                output.Flush();
            });
            await output.WriteLineAsync(ResultPrefix + JsonSerializer.Serialize(result, Wire));
            return 0;
        }
        finally
        {
            foreach (var channel in target.LoadChannels)
            {
                channel.Dispose();
            }
        }
    }

    /// <summary>What a client process is told: where the hub is, the callers' keys, the seeded licenses.</summary>
    internal sealed record Spec(
        string Url, string Scenario, int Concurrency, int WarmupSeconds, int DurationSeconds, int Connections,
        string VerifierKey, string IssuerKey, string ConsumerKey, string QueryResource,
        string[] Identifiers, string[] HolderIds);

    private sealed class Target(Spec spec) : ILoadTarget
    {
        public IReadOnlyList<GrpcChannel> LoadChannels { get; } = [.. Enumerable.Range(0, Math.Max(1, spec.Connections)).Select(_ => HubUnderLoad.OpenChannel(spec.Url))];

        public string VerifierKey => spec.VerifierKey;

        public string IssuerKey => spec.IssuerKey;

        public string ConsumerKey => spec.ConsumerKey;

        public string QueryResource => spec.QueryResource;

        public IReadOnlyList<(string Identifier, string HolderId)> Seeded { get; } = [.. spec.Identifiers.Zip(spec.HolderIds)];
    }
}
