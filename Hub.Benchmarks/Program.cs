using BenchmarkDotNet.Running;
using Hub.Benchmarks.Load;

namespace Hub.Benchmarks;

/// <summary>
/// Entry point. <c>-- audit-append [--seconds N] [--concurrency N]</c> runs the access-log load measurement;
/// anything else goes to BenchmarkDotNet (<c>-- --filter '*'</c>).
/// </summary>
internal static class EntryPoint
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "audit-append")
        {
            return await AuditAppendLoad.RunAsync(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(EntryPoint).Assembly).Run(args);
        return 0;
    }
}
