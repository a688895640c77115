using Hub.Common.V1;

namespace Hub.Core.Disclosure;

/// <summary>
/// Who is asking and under what permission, as the policy sees it: the caller's clearance; whether the caller has full
/// access to this record by its relation to it (the issuing organisation; the portal acting for the holder); the
/// sharing type of what is asked; and the fields a grant (or a matter's material) names, if one applies.
/// </summary>
public sealed record DisclosureContext(DataLevel Clearance, string? FullAccessRule = null)
{
    public const string IssuerRule = "issuer-org";
    public const string HolderRule = "holder-self";
    public const string PresentedRule = "holder-presented";

    /// <summary>The sharing type of the resource or license type asked about.</summary>
    public SharingType Sharing { get; init; } = SharingType.Unconditional;

    /// <summary>
    /// The fields a grant or a material names. When set, fields outside it are withheld, and only named fields can
    /// leave unmasked at L4. Null: nothing is named (a verification), so L4 fields never leave unmasked.
    /// </summary>
    public IReadOnlySet<string>? NamedFields { get; init; }

    /// <summary>Fields withheld whatever the clearance, decided by <see cref="WithheldRule"/> (e.g. a holder's identity).</summary>
    public IReadOnlySet<string>? WithheldFields { get; init; }

    public string WithheldRule { get; init; } = "withheld";

    /// <summary>This context with the holder's identity withheld by the named rule.</summary>
    public DisclosureContext WithoutIdentity(string rule) => this with { WithheldFields = IdentityFields, WithheldRule = rule };

    /// <summary>What names a person: their name and ID number, and the license number, which often is the ID number.</summary>
    public static readonly IReadOnlySet<string> IdentityFields = new HashSet<string>(StringComparer.Ordinal)
    {
        DisclosurePolicy.HolderName.Name, DisclosurePolicy.HolderIdNumber.Name, DisclosurePolicy.LicenseNumberField,
    };

    public static DisclosureContext Issuer(DataLevel clearance) => new(clearance, IssuerRule);

    public static DisclosureContext HolderPortal(DataLevel clearance) => new(clearance, HolderRule);

    /// <summary>A verifier reading the fields the holder chose to show in a 亮证 token (only those are passed in).</summary>
    public static DisclosureContext HolderPresented(DataLevel clearance) => new(clearance, PresentedRule);

    /// <summary>A third party reading a license of a type with this sharing type (verification, holder archives).</summary>
    public static DisclosureContext License(DataLevel clearance, SharingType sharing) => new(clearance) { Sharing = sharing };

    /// <summary>A consumer under a grant (or a department under a matter's material) that names these fields.</summary>
    public static DisclosureContext Named(DataLevel clearance, SharingType sharing, IEnumerable<string> fields) =>
        new(clearance) { Sharing = sharing, NamedFields = fields.ToHashSet(StringComparer.Ordinal) };
}
