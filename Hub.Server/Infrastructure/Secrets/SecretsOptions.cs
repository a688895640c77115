using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Secrets;

/// <summary>Settings under <c>Hub:Secrets</c>: the master key that encrypts every other key at rest.</summary>
public sealed class SecretsOptions
{
    public const string SectionName = "Hub:Secrets";

    /// <summary>
    /// Base64 of 32 random bytes. Required in production (keep it in a secret store, not in a file beside the
    /// database); the embedded default generates one in <c>.hub/master-key</c>.
    /// </summary>
    [StringLength(44, MinimumLength = 44, ErrorMessage = "Hub:Secrets:MasterKey must be base64 of 32 bytes (44 characters).")]
    public string? MasterKey { get; set; }
}

[OptionsValidator]
internal sealed partial class SecretsOptionsValidator : IValidateOptions<SecretsOptions>;
