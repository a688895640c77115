using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Settings under <c>Hub</c>: where the hub keeps local state and the limits on every request.</summary>
public sealed class HubOptions
{
    public const string SectionName = "Hub";

    /// <summary>Local state (embedded cluster record, generated keys and certificates); relative to the working folder.</summary>
    [Required]
    public string StateDirectory { get; set; } = ".hub";

    /// <summary>Largest gRPC message accepted or sent, in bytes.</summary>
    [Range(64 * 1024, 64 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 4 * 1024 * 1024;

    public string StatePath => Path.GetFullPath(StateDirectory);
}

[OptionsValidator]
internal sealed partial class HubOptionsValidator : IValidateOptions<HubOptions>;
