using Hub.Common.V1;
using Hub.Core.Holders;

namespace Hub.Core.Callers;

/// <summary>An authenticated calling system: who it is, what it may do and how much it may see.</summary>
public sealed record Caller(
    Guid Id,
    string OrgCode,
    string OrgName,
    string SystemName,
    IReadOnlySet<Role> Roles,
    DataLevel Clearance)
{
    /// <summary>
    /// For a PORTAL call: the holder the portal authenticated, as its signed holder assertion names them (checked by
    /// the hub before the call reaches a feature); null when the call carries none.
    /// </summary>
    public HolderInput? AssertedHolder { get; init; }

    /// <summary>
    /// The caller id of the hub itself in the access log: the entries of changes nobody made (a license expiring, a
    /// grant falling overdue), written when their date passes.
    /// </summary>
    public static readonly Guid HubItself = Guid.Empty;

    public bool Has(Role role) => Roles.Contains(role);

    /// <summary>True when this call carries a valid holder assertion naming exactly this holder.</summary>
    public bool ActsFor(HolderInput holder) =>
        AssertedHolder is { } asserted && asserted.IdType == holder.IdType && asserted.IdNumber == holder.IdNumber;
}
