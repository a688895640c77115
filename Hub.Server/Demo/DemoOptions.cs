using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Demo;

/// <summary>Settings under <c>Hub:Demo</c>: realistic Xi'an demo data, seeded only on the embedded default.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Hub:Demo";

    /// <summary>Seed the demo data when the hub runs on its embedded default (never with a configured database).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How many persons and enterprises to issue licenses to.</summary>
    [Range(1, 100_000)]
    public int Holders { get; set; } = 80;

    /// <summary>Loopback port of the demo data provider (the stand-in 人社局 system); 0 picks any free port.</summary>
    [Range(0, 65535)]
    public int ProviderPort { get; set; } = 5003;
}

[OptionsValidator]
internal sealed partial class DemoOptionsValidator : IValidateOptions<DemoOptions>;
