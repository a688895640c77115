using System.Globalization;

namespace Hub.Benchmarks.Load;

/// <summary>Command-line options of <c>load</c>.</summary>
internal sealed record LoadOptions
{
    public static readonly string[] Scenarios = ["echo", "verify", "check-matter", "check-license", "issue", "query"];

    public string Scenario { get; init; } = "all";

    public int DurationSeconds { get; init; } = 20;

    public int Concurrency { get; init; } = 32;

    /// <summary>Licenses seeded through IssueLicense before measuring (in-process hub only).</summary>
    public int Licenses { get; init; } = 100_000;

    /// <summary>An existing database for the in-process hub (default: a private embedded cluster).</summary>
    public string? ConnectionString { get; init; }

    public bool Json { get; init; }

    public static LoadOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        int Number(string name, int fallback) => Value(name) is { } v && int.TryParse(v, CultureInfo.InvariantCulture, out var n) ? n : fallback;

        var options = new LoadOptions
        {
            Scenario = Value("--scenario") ?? "all",
            DurationSeconds = Number("--duration", 20),
            Concurrency = Number("--concurrency", 32),
            Licenses = Number("--licenses", 100_000),
            ConnectionString = Value("--connection-string"),
            Json = args.Contains("--json"),
        };
        return options.Scenario == "all" || Scenarios.Contains(options.Scenario)
            ? options
            : throw new ArgumentException($"unknown scenario '{options.Scenario}': {string.Join(", ", Scenarios)} or all");
    }
}
