using System.ComponentModel.DataAnnotations;
using Hub.Signing.Sm2;
using Microsoft.Extensions.Options;

namespace Hub.Server.Keys;

/// <summary>Settings under <c>Hub:Signing</c>: which SM2 implementation seals and verifies.</summary>
public sealed class SigningOptions
{
    public const string SectionName = "Hub:Signing";

    /// <summary>
    /// <c>Managed</c> (default: the hub's own constant-time SM2 engine, about 20× BouncyCastle) or <c>BouncyCastle</c>
    /// (the reference implementation). Both read and write the same signatures.
    /// </summary>
    [Required]
    [RegularExpression($"^({Sm2Engine.ManagedName}|{Sm2Engine.BouncyCastleName})$")]
    public string Engine { get; set; } = Sm2Engine.ManagedName;

    /// <summary>Build a fixed-base table (832 KB, about 20 ms) for each of the hub's own keys, so seals verify without doublings.</summary>
    public bool PrecomputeOwnKeys { get; set; } = true;

    public Sm2Engine SelectedEngine => Sm2Engine.FromName(Engine);
}

[OptionsValidator]
internal sealed partial class SigningOptionsValidator : IValidateOptions<SigningOptions>;
