using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Settings under <c>Hub:Embedded</c>: the private PostgreSQL used when no connection string is set.</summary>
public sealed class EmbeddedOptions
{
    public const string SectionName = "Hub:Embedded";

    /// <summary>Folder holding initdb and pg_ctl; found automatically when empty.</summary>
    public string? PostgresBinDirectory { get; set; }

    /// <summary>Port the embedded cluster tries first; 0 picks any free loopback port.</summary>
    [Range(0, 65535)]
    public int PreferredPort { get; set; } = 55432;
}

[OptionsValidator]
internal sealed partial class EmbeddedOptionsValidator : IValidateOptions<EmbeddedOptions>;
