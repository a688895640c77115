using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Settings under <c>Hub:Endpoints</c>: where the hub listens.</summary>
public sealed class EndpointOptions
{
    public const string SectionName = "Hub:Endpoints";

    /// <summary>Address both ports bind to; loopback unless the operator opens it.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>Plain-text HTTP/2 (h2c) gRPC port.</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 5000;

    /// <summary>TLS port serving gRPC and HTTP/1.1; 0 turns it off.</summary>
    [Range(0, 65535)]
    public int TlsPort { get; set; } = 5001;

    /// <summary>PEM certificate for the TLS port; generated self-signed under the state folder when empty.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key for <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }
}

[OptionsValidator]
internal sealed partial class EndpointOptionsValidator : IValidateOptions<EndpointOptions>;
