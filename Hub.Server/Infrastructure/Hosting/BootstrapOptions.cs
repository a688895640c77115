using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Settings under <c>Hub:Bootstrap</c>: the first ADMIN caller, created when none exists.</summary>
public sealed class BootstrapOptions
{
    public const string SectionName = "Hub:Bootstrap";

    /// <summary>The bootstrap ADMIN's API key in production (at least 32 characters); the embedded default generates one.</summary>
    [MinLength(32)]
    public string? AdminApiKey { get; set; }

    /// <summary>统一社会信用代码 recorded for the bootstrap ADMIN.</summary>
    [Required]
    public string OrgCode { get; set; } = "11610100MB0000000J";

    [Required]
    public string OrgName { get; set; } = "西安市数据局";
}

[OptionsValidator]
internal sealed partial class BootstrapOptionsValidator : IValidateOptions<BootstrapOptions>;
