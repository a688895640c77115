namespace Hub.Benchmarks.Load;

/// <summary>What one scenario measured.</summary>
internal sealed record ScenarioResult(string Scenario, int Concurrency, double RequestsPerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs, long Requests, long Errors)
{
    public double RatioToBaseline { get; init; } = double.NaN;

    /// <summary>The SM2 engine the hub ran on.</summary>
    public string Engine { get; init; } = string.Empty;

    /// <summary>
    /// Bytes the hub's process allocated per call in the measured window — known only when no load generator shares
    /// that process (h2load, or the C# client under <c>--split-cpus</c>).
    /// </summary>
    public double HubBytesPerCall { get; init; } = double.NaN;
}
