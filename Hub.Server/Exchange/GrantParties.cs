using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;

namespace Hub.Server.Exchange;

/// <summary>Who may see and manage a grant: its consumer, the resource's provider, and the platform team.</summary>
internal static class GrantParties
{
    public static bool MayManage(Caller caller, StoredGrant grant) =>
        grant.ConsumerId == caller.Id
        || (caller.Has(Role.Provider) && caller.OrgCode == grant.ProviderOrgCode)
        || caller.Has(Role.Catalogue);

    public static HubError NotFound() => HubError.NotFound(ReasonCodes.GrantNotFound, "no grant has this grant_id.");
}
