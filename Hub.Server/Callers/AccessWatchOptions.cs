using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Callers;

/// <summary>Settings under <c>Hub:AccessWatch</c>: the per-caller anomaly limits (README, docs/integration.md).</summary>
public sealed class AccessWatchOptions
{
    public const string SectionName = "Hub:AccessWatch";

    /// <summary>
    /// Distinct holders one caller may reach per clock hour through VerifyLicense, CheckMatter, CheckLicense and Query.
    /// A service hall's busiest counter stays in the hundreds; walking serials reaches thousands in a second.
    /// </summary>
    [Range(1, 10_000_000)]
    public int DistinctHoldersPerHour { get; set; } = 2_000;

    /// <summary>Failed EQUALS assertions one caller may make per clock hour (a genuine check rarely fails).</summary>
    [Range(1, 10_000_000)]
    public int FailedGuessesPerHour { get; set; } = 200;

    /// <summary>Per-caller exceptions to <see cref="DistinctHoldersPerHour"/>, by caller_id (e.g. a bank's KYC system).</summary>
    public Dictionary<Guid, int> DistinctHoldersPerHourByCaller { get; set; } = [];
}

[OptionsValidator]
internal sealed partial class AccessWatchOptionsValidator : IValidateOptions<AccessWatchOptions>;
