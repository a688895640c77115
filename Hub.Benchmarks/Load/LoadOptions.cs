using System.Globalization;

namespace Hub.Benchmarks.Load;

/// <summary>Command-line options of <c>load</c>.</summary>
internal sealed record LoadOptions
{
    /// <summary>
    /// Every scenario, the baseline first: <c>keys</c> is GetSigningKeys, a keyless read answered from memory — the cost
    /// of the transport and the server pipeline with no database and no authentication.
    /// </summary>
    public static readonly string[] Scenarios = ["keys", "verify", "check-matter", "check-license", "issue", "query", "import", "verify-during-import", "events"];

    public const string Baseline = "keys";

    /// <summary>The access-log scenario: it measures the log itself on its own durable cluster, not calls to a hub.</summary>
    public const string AuditAppend = "audit-append";

    public string Scenario { get; init; } = "all";

    public int DurationSeconds { get; init; } = 20;

    public int Concurrency { get; init; } = 32;

    /// <summary>
    /// Seconds of load before each measured window (<c>--warmup</c>, default the smaller of 2 and the duration): the
    /// hub's JIT reaches its optimised code only after a few seconds of calls, later on fewer CPUs.
    /// </summary>
    public int WarmupSeconds { get; init; } = 2;

    /// <summary>Licenses seeded through IssueLicense before measuring (in-process hub only).</summary>
    public int Licenses { get; init; } = 100_000;

    /// <summary>A hub already running (e.g. http://127.0.0.1:5000) instead of one started in this process.</summary>
    public string? Url { get; init; }

    /// <summary>The running hub's ADMIN key, to register the harness's callers and data (<c>--admin-key-file</c> or HUB_ADMIN_API_KEY).</summary>
    public string? AdminApiKey { get; init; }

    /// <summary>An existing database for the in-process hub (default: a private embedded cluster).</summary>
    public string? ConnectionString { get; init; }

    public bool Json { get; init; }

    /// <summary>Records the <c>import</c> and <c>verify-during-import</c> scenarios stream.</summary>
    public int ImportRows { get; init; } = 100_000;

    /// <summary>The SM2 engine of the hub under load (<c>Hub:Signing:Engine</c>).</summary>
    public string Engine { get; init; } = "Managed";

    /// <summary>Engines to run, one hub each: <c>--engine Managed|BouncyCastle|both</c>.</summary>
    public IReadOnlyList<string> Engines { get; init; } = ["Managed"];

    /// <summary>
    /// Who generates the load: <c>csharp</c> (our gRPC client, every scenario), <c>h2load</c> (nghttp2's, the scenarios
    /// it can drive) or <c>both</c>, each scenario by one then the other, each with its own baseline.
    /// </summary>
    public IReadOnlyList<string> Clients { get; init; } = [CSharpClient];

    public const string CSharpClient = "csharp";

    /// <summary>HTTP/2 connections the load goes over, for either client (<c>--connections</c>; h2load's <c>-c</c>).</summary>
    public int Connections { get; init; } = 4;

    public const string H2LoadClient = "h2load";

    /// <summary>
    /// <c>--split-cpus</c>: the hub on half the CPUs, each load generator (the C# client in a process of its own, or
    /// h2load) on the other half — see <see cref="CpuSplit"/>.
    /// </summary>
    public bool SplitCpus { get; init; }

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
            WarmupSeconds = Math.Max(1, Number("--warmup", Math.Min(2, Number("--duration", 20)))),
            Connections = Number("--connections", 4),
            Licenses = Number("--licenses", 100_000),
            ImportRows = Number("--import-rows", 100_000),
            ConnectionString = Value("--connection-string"),
            Url = Value("--url"),
            AdminApiKey = Value("--admin-key-file") is { } keyFile
                ? File.ReadAllText(keyFile).Trim()
                : Environment.GetEnvironmentVariable("HUB_ADMIN_API_KEY"),
            Json = args.Contains("--json"),
            SplitCpus = args.Contains("--split-cpus"),
            Clients = (Value("--client") ?? CSharpClient) switch
            {
                CSharpClient => [CSharpClient],
                H2LoadClient when Value("--url") is not null => throw new ArgumentException("--client h2load counts successes in the hub's database: it needs the hub the harness starts, not --url"),
                H2LoadClient => [H2LoadClient],
                "both" when Value("--url") is not null => throw new ArgumentException("--client both counts h2load's successes in the hub's database: it needs the hub the harness starts, not --url"),
                "both" => [CSharpClient, H2LoadClient],
                var other => throw new ArgumentException($"unknown client '{other}': csharp, h2load or both"),
            },
            Engines = (Value("--url"), Value("--engine") ?? "Managed") switch
            {
                // A running hub signs with whatever engine it is configured for.
                ({ }, _) when Value("--engine") is not null => throw new ArgumentException("--engine applies only to the hub the harness starts, not to --url"),
                ({ }, _) => ["as configured"],
                (_, "both") => ["BouncyCastle", "Managed"],
                (_, "Managed" or "BouncyCastle") => [Value("--engine") ?? "Managed"],
                (_, var other) => throw new ArgumentException($"unknown engine '{other}': Managed, BouncyCastle or both"),
            },
        };
        if (options.SplitCpus && options.Url is not null)
        {
            throw new ArgumentException("--split-cpus pins the hub the harness starts; it cannot pin a hub at --url");
        }

        var notInClientProcess = options.Scenario.Split(',').Where(s => !ClientProcess.Scenarios.Contains(s)).ToList();
        if (options.SplitCpus && notInClientProcess.Count > 0)
        {
            throw new ArgumentException(
                $"--split-cpus runs the calls in a client process, which drives {string.Join(", ", ClientProcess.Scenarios)}; not '{string.Join(",", notInClientProcess)}'");
        }

        var unknown = options.Scenario is "all" or AuditAppend ? [] : options.Scenario.Split(',').Where(s => !Scenarios.Contains(s)).ToList();
        return unknown.Count == 0
            ? options
            : throw new ArgumentException($"unknown scenario '{string.Join(",", unknown)}': {string.Join(", ", Scenarios)}, a comma-separated list, {AuditAppend} or all");
    }
}
