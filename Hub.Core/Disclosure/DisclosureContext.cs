using Hub.Common.V1;

namespace Hub.Core.Disclosure;

/// <summary>
/// Who is asking, as the policy sees it: the caller's clearance, and whether the caller has full access to this
/// record by its relation to it (the issuing organisation; the portal acting for the holder).
/// </summary>
public sealed record DisclosureContext(DataLevel Clearance, string? FullAccessRule = null)
{
    public const string IssuerRule = "issuer-org";
    public const string HolderRule = "holder-self";

    public static DisclosureContext Issuer(DataLevel clearance) => new(clearance, IssuerRule);

    public static DisclosureContext HolderPortal(DataLevel clearance) => new(clearance, HolderRule);
}
