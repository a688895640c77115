using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Settings under <c>Hub:Endpoints</c>: where the hub listens.</summary>
public sealed class EndpointOptions : IValidatableObject
{
    public const string SectionName = "Hub:Endpoints";

    /// <summary>Address the TLS port binds to; loopback unless the operator opens it.</summary>
    [Required]
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>
    /// Address the plain-text port binds to. Loopback whatever <see cref="Address"/> is: h2c carries API keys and
    /// personal data in the clear, so it leaves the machine only when this is set to another address on purpose
    /// (e.g. behind a TLS-terminating proxy on a private network).
    /// </summary>
    [Required]
    public string GrpcAddress { get; set; } = "127.0.0.1";

    /// <summary>Plain-text HTTP/2 (h2c) gRPC port; 0 turns it off.</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 5000;

    /// <summary>TLS port serving gRPC and HTTP/1.1; 0 turns it off.</summary>
    [Range(0, 65535)]
    public int TlsPort { get; set; } = 5001;

    /// <summary>PEM certificate for the TLS port; generated self-signed under the state folder when empty.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key for <see cref="CertificatePath"/>.</summary>
    public string? KeyPath { get; set; }

    /// <summary>Whether the TLS port has a certificate of the operator's (else only the embedded default listens on it, self-signed).</summary>
    public bool HasConfiguredCertificate => !string.IsNullOrEmpty(CertificatePath) && !string.IsNullOrEmpty(KeyPath);

    /// <summary>
    /// gRPC server reflection (grpcurl, Postman list the services without the protos). Unset: on for the embedded
    /// default, off with a configured database — a production hub does not describe itself to anyone who asks.
    /// </summary>
    public bool? Reflection { get; set; }

    /// <summary>What the attributes cannot say: addresses that parse, something to listen on, two different ports.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (setting, value) in new[] { (nameof(Address), Address), (nameof(GrpcAddress), GrpcAddress) })
        {
            if (!string.IsNullOrEmpty(value) && !System.Net.IPAddress.TryParse(value, out _))
            {
                yield return new ValidationResult($"Hub:Endpoints:{setting} '{value}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0 or ::1).", [setting]);
            }
        }

        if (GrpcPort == 0 && TlsPort == 0)
        {
            yield return new ValidationResult("Hub:Endpoints:GrpcPort and Hub:Endpoints:TlsPort are both 0: the hub would listen on nothing.", [nameof(GrpcPort)]);
        }
        else if (GrpcPort == TlsPort)
        {
            yield return new ValidationResult($"Hub:Endpoints:GrpcPort and Hub:Endpoints:TlsPort are both {GrpcPort}; give them different ports.", [nameof(GrpcPort)]);
        }
    }
}

[OptionsValidator]
internal sealed partial class EndpointOptionsValidator : IValidateOptions<EndpointOptions>;
