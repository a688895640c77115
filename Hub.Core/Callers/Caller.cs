using Hub.Common.V1;

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
    public bool Has(Role role) => Roles.Contains(role);
}
