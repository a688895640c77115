using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Licenses;

/// <summary>Settings under <c>Hub:Licenses</c>.</summary>
public sealed class LicenseOptions
{
    public const string SectionName = "Hub:Licenses";

    /// <summary>
    /// Legacy 统一社会信用代码 that fail the GB 32100 check character but are legal (early pilot codes): accepted as
    /// holder identifiers.
    /// </summary>
    [MaxLength(10_000)]
    public string[] LegacyUsccAllowList { get; set; } = [];

    public IReadOnlySet<string> LegacyUsccSet => LegacyUsccAllowList.Select(c => c.Trim().ToUpperInvariant()).ToHashSet();
}

[OptionsValidator]
internal sealed partial class LicenseOptionsValidator : IValidateOptions<LicenseOptions>;
