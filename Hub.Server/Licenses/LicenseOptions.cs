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

    /// <summary>
    /// License versions (decrypted, so never in Redis) each replica keeps in memory for verification, about 2 KB
    /// each; their states are cached four times as many. Beyond it, reads go to PostgreSQL by index.
    /// </summary>
    [Range(100, 10_000_000)]
    public int ContentCacheEntries { get; set; } = 50_000;

    /// <summary>
    /// How far back a verification or 免证办 check counts as relying on a license: when it is suspended, revoked,
    /// cancelled or amended, each caller that relied on it within this window is sent license.relied.changed.
    /// </summary>
    [Range(1, 3650)]
    public int RelianceWindowDays { get; set; } = 90;

    /// <summary>Most license.relied.changed events one change sends (the latest reliances first).</summary>
    [Range(1, 100_000)]
    public int MaxReliancesPerChange { get; set; } = 1000;

    public IReadOnlySet<string> LegacyUsccSet => LegacyUsccAllowList.Select(c => c.Trim().ToUpperInvariant()).ToHashSet();
}

[OptionsValidator]
internal sealed partial class LicenseOptionsValidator : IValidateOptions<LicenseOptions>;
