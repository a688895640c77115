using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Time;
using Hub.Core.Validation;
using Hub.Exchange.V1;
using Hub.Server.Catalogue;

namespace Hub.Server.Exchange;

/// <summary>Reads of grants for the parties to them: one grant, or a page in the caller's scope.</summary>
public sealed class GrantQueries(IDataResourceStore resources, IGrantStore grants, TimeProvider time)
{
    public async Task<Outcome<GetGrantResponse>> GetAsync(Caller caller, Guid grantId, CancellationToken cancellationToken)
    {
        var grant = await grants.FindAsync(grantId, cancellationToken);
        if (grant is null || !GrantParties.MayManage(caller, grant))
        {
            // Someone else's grant is not acknowledged to exist.
            return GrantParties.NotFound();
        }

        var resource = await resources.FindAsync(grant.ResourceCode, cancellationToken);
        return new GetGrantResponse { Grant = grant.ToMessage(ChinaCalendar.Today(time), resource?.Name ?? string.Empty) };
    }

    public async Task<Outcome<ListGrantsResponse>> ListAsync(Caller caller, ListGrantsCommand command, CancellationToken cancellationToken)
    {
        var scope = command.Scope != GrantScope.Unspecified
            ? command.Scope
            : caller.Has(Role.Catalogue) ? GrantScope.All : caller.Has(Role.Provider) ? GrantScope.Provider : GrantScope.Consumer;
        var allowed = scope switch
        {
            GrantScope.All => caller.Has(Role.Catalogue),
            GrantScope.Provider => caller.Has(Role.Provider),
            _ => caller.Has(Role.Consumer),
        };
        if (!allowed)
        {
            return HubError.PermissionDenied(
                Core.Contracts.ReasonCodes.ScopeNotAllowed,
                $"listing grants in scope {scope} needs role {(scope == GrantScope.All ? "CATALOGUE" : scope == GrantScope.Provider ? "PROVIDER" : "CONSUMER")}.");
        }

        var filter = new GrantFilter(
            scope == GrantScope.Consumer ? caller.Id : null,
            scope == GrantScope.Provider ? caller.OrgCode : null,
            command.ResourceCode,
            command.Status);
        var today = ChinaCalendar.Today(time);
        var (list, next) = await grants.ListAsync(filter, today, command.Page.Size, command.Page.Cursor, cancellationToken);
        var response = new ListGrantsResponse { NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next) };
        foreach (var grant in list)
        {
            var resource = await resources.FindAsync(grant.ResourceCode, cancellationToken);
            response.Grants.Add(grant.ToMessage(today, resource?.Name ?? string.Empty));
        }

        return response;
    }
}
