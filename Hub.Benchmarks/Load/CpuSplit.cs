using System.Diagnostics;

namespace Hub.Benchmarks.Load;

/// <summary>
/// <c>--split-cpus</c>: the hub (with the embedded PostgreSQL it starts) on the lower half of the CPUs, the load
/// generators on the upper half — on one machine, what a load generator on another machine gives: a client that spends
/// CPU cannot take it from the server it measures, so two clients measure the same server.
/// </summary>
internal static class CpuSplit
{
    /// <summary>Set by the harness for its pinned self: the CPUs its load generators run on.</summary>
    private const string ClientCpusVariable = "HUB_LOAD_CLIENT_CPUS";

    /// <summary>True in the harness re-run on the hub's CPUs.</summary>
    public static bool HarnessPinned => Environment.GetEnvironmentVariable(ClientCpusVariable) is not null;

    /// <summary>Where load generators run: the upper half of this machine's CPUs (as the unpinned harness saw them).</summary>
    public static string ClientCpus => Environment.GetEnvironmentVariable(ClientCpusVariable) ?? Halves(Environment.ProcessorCount).Clients;

    /// <summary>This program as a command line (the dotnet host and the assembly, or the app host alone).</summary>
    public static string[] SelfCommand
    {
        get
        {
            var host = Environment.ProcessPath ?? throw new InvalidOperationException("the harness cannot find its own executable");
            if (Path.GetFileNameWithoutExtension(host) == "dotnet")
            {
                return [host, typeof(CpuSplit).Assembly.Location];
            }

            // The app host runs this program; any other host (a test runner) does not, so the dotnet host runs it.
            return System.Reflection.Assembly.GetEntryAssembly() == typeof(CpuSplit).Assembly
                ? [host]
                : [Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", typeof(CpuSplit).Assembly.Location];
        }
    }

    public static (string Hub, string Clients) Halves(int cpus) => cpus < 2
        ? throw new InvalidOperationException($"--split-cpus needs at least 2 CPUs; this process may use {cpus}")
        : (CpuList(0, cpus / 2), CpuList(cpus / 2, cpus));

    /// <summary>CPUs from..to-1 as taskset reads them.</summary>
    private static string CpuList(int from, int to) => to - from == 1 ? $"{from}" : $"{from}-{to - 1}";

    /// <summary>A command started on the given CPUs: taskset sets the affinity before the program's first thread exists.</summary>
    public static ProcessStartInfo OnCpus(string cpus, IEnumerable<string> command)
    {
        var start = new ProcessStartInfo("taskset");
        foreach (var argument in (string[])["-c", cpus, .. command])
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>
    /// Runs <c>load</c> again on the hub's half, its output and exit code passed through. Affinity is inherited at
    /// start and a running .NET process's threads cannot all be moved, so the harness is re-run rather than re-pinned.
    /// </summary>
    public static async Task<int> RerunPinnedAsync(string[] loadArguments, TextWriter progress)
    {
        var (hub, clients) = Halves(Environment.ProcessorCount);
        await progress.WriteLineAsync($"--split-cpus: hub and PostgreSQL on CPU {hub}, load generators on CPU {clients}");
        var start = OnCpus(hub, [.. SelfCommand, "load", .. loadArguments]);
        start.Environment[ClientCpusVariable] = clients;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("taskset did not start (util-linux)");
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
