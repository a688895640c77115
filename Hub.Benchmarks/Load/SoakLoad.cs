using System.Diagnostics;
using System.Globalization;

namespace Hub.Benchmarks.Load;

/// <summary>
/// <c>soak [--minutes N] [--licenses N] [--rate N] [--row-seconds N]</c>: the mixed load departments make (verify,
/// check-matter, query, issue in 4 : 3 : 2 : 1) first at full speed to find the peak, then open-loop at half of it
/// (or at <c>--rate</c> calls/s, so that runs on a noisy machine can be compared at one load) for N minutes (default
/// 10), one line per minute (or per <c>--row-seconds</c>, to see a short stall): calls, errors, p50/p99, and the
/// process's memory after a full collection. It fails (exit 1) on any error, a row whose p99 grows past twice the
/// first row's (and 20 ms), or memory that keeps growing; rows shorter than a minute make that bound stricter.
/// </summary>
internal static class SoakLoad
{
    private static readonly string[] Mix = ["verify", "verify", "verify", "verify", "check-matter", "check-matter", "check-matter", "query", "query", "issue"];

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        int Number(string name, int fallback) =>
            Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : fallback;
        var minutes = Number("--minutes", 10);
        var fixedRate = Number("--rate", 0);
        var rowSeconds = Number("--row-seconds", 60);
        var options = new LoadOptions { Licenses = Number("--licenses", 5_000), Concurrency = 32 };
        await using var hub = await HubUnderLoad.StartAsync(options, output);
        var calls = Mix.Distinct().ToDictionary(s => s, s => LoadHarness.Call(hub, s));
        Task Mixed(int i) => calls[Mix[i % Mix.Length]](i);

        // The peak: closed loop, 32 in flight, 15 s after a 3 s warm-up.
        await ClosedLoopAsync(Mixed, TimeSpan.FromSeconds(3));
        var peak = await ClosedLoopAsync(Mixed, TimeSpan.FromSeconds(15));
        var rate = fixedRate > 0 ? fixedRate : peak / 2;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"peak mixed load {peak:0} calls/s (32 in flight); soaking at {rate:0}/s{(fixedRate > 0 ? " (--rate)" : string.Empty)} for {minutes} min"));
        await output.WriteLineAsync((rowSeconds == 60 ? "| minute" : "| until s") + " | calls | errors | p50 ms | p99 ms | max ms | p99 ms by call | managed heap MiB | working set MiB |");
        await output.WriteLineAsync("|---|---|---|---|---|---|---|---|---|");

        var rows = new List<Row>();
        var clock = Stopwatch.StartNew();
        using var inFlight = new SemaphoreSlim(256);
        long started = 0;
        var shed = 0L;
        for (var number = 1; number <= Math.Max(1, minutes * 60 / rowSeconds); number++)
        {
            var latencies = new System.Collections.Concurrent.ConcurrentBag<(int Kind, double Milliseconds)>();
            var errors = 0L;
            var end = TimeSpan.FromSeconds(number * rowSeconds);
            while (clock.Elapsed < end)
            {
                // Open loop: start every call that is due by now, whatever the previous ones are doing.
                var due = (long)(clock.Elapsed.TotalSeconds * rate);
                for (; started < due; started++)
                {
                    if (!inFlight.Wait(0))
                    {
                        shed++;
                        continue;
                    }

                    var i = (int)(started % int.MaxValue);
                    _ = Task.Run(async () =>
                    {
                        var start = Stopwatch.GetTimestamp();
                        try
                        {
                            await Mixed(i);
                            latencies.Add((i % Mix.Length, Stopwatch.GetElapsedTime(start).TotalMilliseconds));
                        }
                        catch (Grpc.Core.RpcException)
                        {
                            Interlocked.Increment(ref errors);
                        }
                        finally
                        {
                            inFlight.Release();
                        }
                    });
                }

                await Task.Delay(5);
            }

            var sorted = latencies.Select(l => l.Milliseconds).Order().ToArray();
            var byCall = string.Join(", ", latencies.GroupBy(l => Mix[l.Kind]).OrderBy(g => Array.IndexOf(Mix, g.Key))
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {Percentiles.Of([.. g.Select(l => l.Milliseconds).Order()], 0.99):0.0}")));
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            using var process = Process.GetCurrentProcess();
            var row = new Row(rowSeconds == 60 ? number : number * rowSeconds, sorted.Length, Interlocked.Read(ref errors), Percentiles.Of(sorted, 0.5), Percentiles.Of(sorted, 0.99), sorted.Length == 0 ? double.NaN : sorted[^1],
                byCall, GC.GetTotalMemory(false) / 1048576.0, process.WorkingSet64 / 1048576.0);
            rows.Add(row);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Number} | {row.Calls} | {row.Errors} | {row.P50:0.00} | {row.P99:0.00} | {row.Max:0.0} | {row.ByCall} | {row.HeapMiB:0.0} | {row.WorkingSetMiB:0} |"));
        }

        while (inFlight.CurrentCount < 256)
        {
            await Task.Delay(50);
        }

        // Steady: no error; p99 of every row within twice the first row's (or 20 ms, whichever is larger); the heap
        // of the second half no larger than that of the first half plus a quarter (a leak grows with the calls).
        var first = rows[0];
        var p99Bound = Math.Max(2 * first.P99, 20);
        var firstHalf = rows.Take(Math.Max(1, rows.Count / 2)).Max(m => m.HeapMiB);
        var secondHalf = rows.Skip(rows.Count / 2).Max(m => m.HeapMiB);
        var errorsInAll = rows.Sum(m => m.Errors);
        var steady = errorsInAll == 0 && shed == 0 && rows.All(m => m.P99 <= p99Bound) && secondHalf <= (firstHalf * 1.25) + 16;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{rows.Sum(m => m.Calls)} calls, {errorsInAll} errors, {shed} not started (256 already in flight); p99 bound {p99Bound:0.0} ms; heap first half ≤ {firstHalf:0.0} MiB, second half ≤ {secondHalf:0.0} MiB: {(steady ? "STEADY" : "NOT STEADY")}"));
        return steady ? 0 : 1;
    }

    private static async Task<double> ClosedLoopAsync(Func<int, Task> call, TimeSpan duration)
    {
        var done = 0L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async worker =>
        {
            var i = worker * 7919;
            while (clock.Elapsed < duration)
            {
                try
                {
                    await call(i++);
                    Interlocked.Increment(ref done);
                }
                catch (Grpc.Core.RpcException)
                {
                    // Counted in the soak itself; the peak is what succeeded.
                }
            }
        }));
        return done / clock.Elapsed.TotalSeconds;
    }

    private sealed record Row(int Number, int Calls, long Errors, double P50, double P99, double Max, string ByCall, double HeapMiB, double WorkingSetMiB);
}
