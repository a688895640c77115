using BenchmarkDotNet.Attributes;
using Hub.Signing.Identifiers;

namespace Hub.Benchmarks.Micro;

/// <summary>
/// Check-digit validation runs on every request that names a holder; it must cost next to nothing beside a
/// database round trip. The baseline is a plain regular-expression shape check, the least any validator does.
/// </summary>
[MemoryDiagnoser]
public class HolderIdValidationBenchmarks
{
    private static readonly System.Text.RegularExpressions.Regex Shape = new("^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$", System.Text.RegularExpressions.RegexOptions.Compiled);

    [Benchmark(Baseline = true)]
    public bool UsccShapeOnly() => Shape.IsMatch("91350100M000100Y43");

    [Benchmark]
    public bool UsccCheckDigit() => UnifiedSocialCreditCode.IsValid("91350100M000100Y43");

    [Benchmark]
    public bool CitizenIdCheckDigit() => CitizenIdNumber.IsValid("11010519491231002X");
}
