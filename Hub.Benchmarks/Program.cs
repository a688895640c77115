using BenchmarkDotNet.Running;
using Hub.Benchmarks.Load;

namespace Hub.Benchmarks;

/// <summary>
/// Entry point. <c>-- load --scenario NAME|all [--duration S] [--concurrency N] [--licenses N] [--json]</c> runs the
/// end-to-end load harness; <c>-- soak [--minutes N]</c> the mixed soak at half of peak; <c>-- audit-append [--seconds N] [--concurrency N]</c> the access-log measurement;
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

        if (args.Length > 0 && args[0] == "ct-check")
        {
            return Timing.ConstantTimeCheck.Run(args[1..], Console.Out);
        }

        if (args.Length > 0 && args[0] == "sample-import")
        {
            return Import.SampleImportFile.Run(args[1..], Console.Out);
        }

        if (args.Length > 0 && args[0] == "soak")
        {
            return await SoakLoad.RunAsync(args[1..], Console.Out);
        }

        if (args.Length > 0 && args[0] == ClientProcess.Command)
        {
            return await ClientProcess.RunAsync(args[1..], Console.Out);
        }

        if (args.Length > 0 && args[0] == "load")
        {
            return await LoadHarness.RunAsync(args[1..], Console.Out);
        }

        BenchmarkSwitcher.FromAssembly(typeof(EntryPoint).Assembly).Run(args);
        return 0;
    }
}
