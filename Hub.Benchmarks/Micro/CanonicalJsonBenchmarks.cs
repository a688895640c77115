using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Hub.Signing.Json;

namespace Hub.Benchmarks.Micro;

/// <summary>RFC 8785 canonical JSON against plain System.Text.Json serialization of the same document.</summary>
[MemoryDiagnoser]
public class CanonicalJsonBenchmarks
{
    private readonly JsonNode _document = JsonNode.Parse(TypicalLicense.Json)!;

    [Benchmark(Baseline = true)]
    public string SystemTextJson() => _document.ToJsonString();

    [Benchmark]
    public string Canonical() => CanonicalJson.Serialize(_document);
}
