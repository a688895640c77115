namespace Hub.Benchmarks.Load;

/// <summary>The one way the harness, the soak and the fault tests read a percentile off sorted latencies.</summary>
internal static class Percentiles
{
    /// <summary>The value at fraction <paramref name="p"/> of <paramref name="sorted"/> (ascending); 1 is the maximum, NaN when empty.</summary>
    public static double Of(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
