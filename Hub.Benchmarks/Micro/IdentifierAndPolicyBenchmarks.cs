using BenchmarkDotNet.Attributes;
using Hub.Common.V1;
using Hub.Core.Disclosure;
using Hub.Signing.Identifiers;

namespace Hub.Benchmarks.Micro;

/// <summary>Identifier generation and validation, and the disclosure policy over a typical license record.</summary>
[MemoryDiagnoser]
public class IdentifierAndPolicyBenchmarks
{
    private const string Identifier = "1.2.156.3005.2.11100000MB1A00101G001.11610100MB3M00002H.202600000001.001.N";
    private static readonly FieldSpec[] Fields =
    [
        .. DisclosurePolicy.HolderFields(organization: false),
        new FieldSpec { Name = "category", Level = DataLevel.L1Public, Mask = MaskRule.None },
        new FieldSpec { Name = "employer", Level = DataLevel.L2Internal, Mask = MaskRule.KeepEnds },
        new FieldSpec { Name = "address", Level = DataLevel.L3Sensitive, Mask = MaskRule.Address },
        new FieldSpec { Name = "phone", Level = DataLevel.L3Sensitive, Mask = MaskRule.Phone },
        new FieldSpec { Name = "health_note", Level = DataLevel.L4HighlySensitive, Mask = MaskRule.KeepEnds },
    ];

    private static readonly Dictionary<string, string> Values = new()
    {
        ["holder.name"] = "王小明",
        ["holder.id_number"] = "610102199001011231",
        ["category"] = "A类",
        ["employer"] = "西安某某科技有限公司",
        ["address"] = "陕西省西安市雁塔区科技路1号",
        ["phone"] = "13812345678",
        ["health_note"] = "无",
    };

    [Benchmark(Baseline = true)]
    public bool ValidateIdentifier() => LicenseIdentifier.TryParse(Identifier, out _, out _);

    [Benchmark]
    public string GenerateIdentifier() => new LicenseIdentifier("11100000MB1A00101G001", "11610100MB3M00002H", "202600000001", 1).ToString();

    [Benchmark]
    public DisclosedRecord DisclosePolicyL2() => DisclosurePolicy.Apply(Fields, Values, new DisclosureContext(DataLevel.L2Internal));
}
