using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Hub.Core.Time;
using Microsoft.Extensions.Options;

namespace Hub.Server.Exchange;

/// <summary>Settings under <c>Hub:Exchange</c>: grant terms, the working-day calendar, and how providers are called.</summary>
public sealed class ExchangeOptions
{
    public const string SectionName = "Hub:Exchange";

    /// <summary>A CONDITIONAL request is due this many working days after it is made (《西安市公共数据管理办法》: 5).</summary>
    [Range(1, 60)]
    public int ConditionalDueWorkingDays { get; set; } = 5;

    /// <summary>How long an approved grant lasts when the request names no duration.</summary>
    [Range(1, 3650)]
    public int DefaultGrantDays { get; set; } = 365;

    /// <summary>The longest duration a request may ask for.</summary>
    [Range(1, 3650)]
    public int MaxGrantDays { get; set; } = 365;

    /// <summary>Public holidays (YYYY-MM-DD) from the State Council's yearly notice; add each year's list.</summary>
    [MaxLength(2000)]
    public string[] Holidays { get; set; } = [];

    /// <summary>Weekend days declared working days (调休上班), YYYY-MM-DD.</summary>
    [MaxLength(2000)]
    public string[] MakeupWorkdays { get; set; } = [];

    /// <summary>How long the hub waits for a provider's answer, retries included.</summary>
    [Range(100, 60_000)]
    public int ProviderDeadlineMilliseconds { get; set; } = 3000;

    /// <summary>Retries after a provider answers UNAVAILABLE (with a short back-off), within the deadline.</summary>
    [Range(0, 5)]
    public int ProviderRetries { get; set; } = 2;

    /// <summary>At most this many queries in flight to one provider endpoint; more wait (within the deadline).</summary>
    [Range(1, 10_000)]
    public int ProviderConcurrency { get; set; } = 16;

    /// <summary>The largest provider answer the hub accepts.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxProviderResponseBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Whether providers may be registered at http:// (h2c, no TLS). Unset: allowed only on the embedded default
    /// (its demo provider runs inside the hub); production providers use https://.
    /// </summary>
    public bool? AllowPlaintextProviders { get; set; }

    /// <summary>PEM client certificate (and key) the hub presents to https:// providers that ask for one (mTLS).</summary>
    public string? ClientCertificatePath { get; set; }

    public string? ClientKeyPath { get; set; }

    public WorkingCalendar Calendar() => new(Dates(Holidays), Dates(MakeupWorkdays));

    private static IEnumerable<DateOnly> Dates(IEnumerable<string> texts) =>
        texts.Select(t => DateOnly.ParseExact(t.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture));
}

internal sealed class ExchangeOptionsValidator : IValidateOptions<ExchangeOptions>
{
    public ValidateOptionsResult Validate(string? name, ExchangeOptions options)
    {
        var problems = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            problems.AddRange(results.Select(r => $"{ExchangeOptions.SectionName}: {r.ErrorMessage}"));
        }

        foreach (var (list, values) in new[] { ("Holidays", options.Holidays), ("MakeupWorkdays", options.MakeupWorkdays) })
        {
            problems.AddRange(values
                .Where(v => !DateOnly.TryParseExact(v?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                .Select(v => $"{ExchangeOptions.SectionName}:{list}: '{v}' is not a date YYYY-MM-DD"));
        }

        if (options.DefaultGrantDays > options.MaxGrantDays)
        {
            problems.Add($"{ExchangeOptions.SectionName}: DefaultGrantDays must not exceed MaxGrantDays");
        }

        if (string.IsNullOrEmpty(options.ClientCertificatePath) != string.IsNullOrEmpty(options.ClientKeyPath))
        {
            problems.Add($"{ExchangeOptions.SectionName}: set both ClientCertificatePath and ClientKeyPath, or neither");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
