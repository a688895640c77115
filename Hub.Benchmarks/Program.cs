using BenchmarkDotNet.Running;

namespace Hub.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project Hub.Benchmarks -- --filter '*'</c>.</summary>
internal static class EntryPoint
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(EntryPoint).Assembly).Run(args);
}
