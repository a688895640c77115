using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Hub.Cli.Import;

/// <summary>
/// Shows how far an import is: a live progress bar with rows/s and the time left on a terminal, plain progress lines
/// (every few seconds) when the output is a file, a pipe or a test.
/// </summary>
internal sealed class ImportProgress
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(2);

    private readonly long _total;
    private readonly TextWriter? _plain;
    private readonly ProgressTask? _bar;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _done;
    private TimeSpan _lastLine;

    private ImportProgress(long total, TextWriter? plain, ProgressTask? bar)
    {
        _total = total;
        _plain = plain;
        _bar = bar;
    }

    public double RowsPerSecond => _done / Math.Max(0.001, _clock.Elapsed.TotalSeconds);

    /// <summary>Runs <paramref name="work"/> with a progress display fit for <paramref name="output"/>.</summary>
    public static async Task<T> RunAsync<T>(long total, TextWriter output, Func<ImportProgress, Task<T>> work)
    {
        var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (!interactive)
        {
            return await work(new ImportProgress(total, output, null));
        }

        return await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask("importing", maxValue: Math.Max(1, total));
                return await work(new ImportProgress(total, null, bar));
            });
    }

    public void Advance(long rows)
    {
        var done = Interlocked.Add(ref _done, rows);
        if (_bar is not null)
        {
            _bar.Increment(rows);
            _bar.Description = string.Create(CultureInfo.InvariantCulture, $"{done:N0}/{_total:N0} rows, {RowsPerSecond:N0} rows/s");
            return;
        }

        var elapsed = _clock.Elapsed;
        if (elapsed - _lastLine < PlainInterval && done < _total)
        {
            return;
        }

        _lastLine = elapsed;
        var rate = RowsPerSecond;
        var eta = rate > 0 ? TimeSpan.FromSeconds((_total - done) / rate) : TimeSpan.Zero;
        lock (_plain!)
        {
            _plain.WriteLine(string.Create(CultureInfo.InvariantCulture, $"progress: {done}/{_total} rows ({100.0 * done / Math.Max(1, _total):0}%), {rate:0} rows/s, ETA {eta.TotalSeconds:0} s"));
        }
    }
}
