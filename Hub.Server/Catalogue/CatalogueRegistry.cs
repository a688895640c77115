using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Validation;

namespace Hub.Server.Catalogue;

/// <summary>
/// The catalogue (目录): license types, matters and data resources, registered once by the platform team (CATALOGUE)
/// and read by anyone. A provider's endpoint is shown only to the platform team and the provider.
/// </summary>
public sealed class CatalogueRegistry(ILicenseTypeStore licenseTypes, IMatterStore matters, IDataResourceStore resources)
{
    public async Task<Outcome<RegisterLicenseTypeResponse>> RegisterLicenseTypeAsync(Caller caller, RegisterLicenseTypeRequest normalized, CancellationToken cancellationToken)
    {
        var registered = await licenseTypes.RegisterAsync(normalized, caller.Id, cancellationToken);
        return registered.Failed
            ? registered.Error
            : new RegisterLicenseTypeResponse { LicenseType = registered.Value.Type.ToMessage(), Created = registered.Value.Created };
    }

    public async Task<Outcome<GetLicenseTypeResponse>> GetLicenseTypeAsync(string typeCode, CancellationToken cancellationToken) =>
        await licenseTypes.FindAsync(typeCode, cancellationToken) is { } type
            ? new GetLicenseTypeResponse { LicenseType = type.ToMessage() }
            : HubError.NotFound(ReasonCodes.LicenseTypeNotFound, "no license type has this type_code.");

    public async Task<Outcome<ListLicenseTypesResponse>> ListLicenseTypesAsync(ListLicenseTypesCommand command, CancellationToken cancellationToken)
    {
        var (types, next) = await licenseTypes.ListAsync(command.Page, command.IssuerOrgCode, cancellationToken);
        return new ListLicenseTypesResponse
        {
            LicenseTypes = { types.Select(t => t.ToMessage()) },
            NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next),
        };
    }

    /// <summary>A matter's registration checked, its materials against the registered license types.</summary>
    public Task<Outcome<RegisterMatterRequest>> ParseMatterAsync(RegisterMatterRequest request, CancellationToken cancellationToken) =>
        MatterRegistration.ParseAsync(request, code => licenseTypes.FindAsync(code, cancellationToken));

    public async Task<Outcome<RegisterMatterResponse>> RegisterMatterAsync(Caller caller, RegisterMatterRequest normalized, CancellationToken cancellationToken)
    {
        var registered = await matters.RegisterAsync(normalized, caller.Id, cancellationToken);
        return registered.Failed ? registered.Error : new RegisterMatterResponse { Matter = registered.Value.Matter, Created = registered.Value.Created };
    }

    public async Task<Outcome<GetMatterResponse>> GetMatterAsync(string matterCode, CancellationToken cancellationToken) =>
        await matters.GetAsync(matterCode, cancellationToken) is { } matter
            ? new GetMatterResponse { Matter = matter }
            : HubError.NotFound(ReasonCodes.MatterNotFound, "no matter has this matter_code.");

    public async Task<Outcome<ListMattersResponse>> ListMattersAsync(ListMattersCommand command, CancellationToken cancellationToken)
    {
        var (list, next) = await matters.ListAsync(command.Page, command.DepartmentCode, cancellationToken);
        return new ListMattersResponse { Matters = { list }, NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next) };
    }

    public async Task<Outcome<RegisterDataResourceResponse>> RegisterDataResourceAsync(Caller caller, RegisterDataResourceRequest normalized, CancellationToken cancellationToken)
    {
        var registered = await resources.RegisterAsync(normalized, caller.Id, cancellationToken);
        return registered.Failed
            ? registered.Error
            : new RegisterDataResourceResponse { DataResource = registered.Value.Resource.ToMessage(showEndpoint: true), Created = registered.Value.Created };
    }

    public async Task<Outcome<GetDataResourceResponse>> GetDataResourceAsync(Caller caller, string resourceCode, CancellationToken cancellationToken) =>
        await resources.FindAsync(resourceCode, cancellationToken) is { } resource
            ? new GetDataResourceResponse { DataResource = resource.ToMessage(ShowsEndpoint(caller, resource)) }
            : HubError.NotFound(ReasonCodes.DataResourceNotFound, "no data resource has this resource_code.");

    public async Task<Outcome<ListDataResourcesResponse>> ListDataResourcesAsync(Caller caller, ListDataResourcesCommand command, CancellationToken cancellationToken)
    {
        var (list, next) = await resources.ListAsync(command.Page, command.Filter, cancellationToken);
        return new ListDataResourcesResponse
        {
            DataResources = { list.Select(r => r.ToMessage(ShowsEndpoint(caller, r))) },
            NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next),
        };
    }

    /// <summary>The provider's address is internal network detail: for the platform team and the provider only.</summary>
    private static bool ShowsEndpoint(Caller caller, DataResourceDefinition resource) =>
        caller.Has(Role.Catalogue) || caller.Has(Role.Admin) || caller.OrgCode == resource.ProviderOrgCode;
}
