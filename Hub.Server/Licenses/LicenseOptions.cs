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
    /// Memory each replica gives to license versions kept for verification (decrypted, so never in Redis), measured
    /// by <see cref="CachedLicenseSize"/>: a typical version takes 5–8 KB, so the default holds about 20,000. Beyond
    /// it the least recently used go, and reads go to PostgreSQL by index.
    /// </summary>
    [Range(1, 65_536)]
    public int ContentCacheMegabytes { get; set; } = 128;

    /// <summary>Licenses whose state (status, current version; about 200 bytes each) each replica caches briefly.</summary>
    [Range(100, 50_000_000)]
    public int StateCacheEntries { get; set; } = 200_000;

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
