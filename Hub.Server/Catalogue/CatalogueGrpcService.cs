using Grpc.Core;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Hub.Server.Exchange;
using Hub.Server.Infrastructure.Postgres;
using Microsoft.Extensions.Options;

namespace Hub.Server.Catalogue;

/// <summary>Adapts catalogue.proto to the catalogue stores: validate, call, map.</summary>
public sealed class CatalogueGrpcService(
    PostgresLicenseTypeStore licenseTypes,
    PostgresMatterStore matters,
    PostgresDataResourceStore resources,
    DisclosurePreview preview,
    HubDatabase database,
    IOptions<ExchangeOptions> exchange) : CatalogueService.CatalogueServiceBase
{
    [RequiresRole(Role.Catalogue)]
    public override async Task<RegisterLicenseTypeResponse> RegisterLicenseType(RegisterLicenseTypeRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var normalized = LicenseTypeRegistration.Parse(request).ValueOrThrow();
        var (type, created) = (await licenseTypes.RegisterAsync(normalized, caller.Id, context.CancellationToken)).ValueOrThrow();
        return new RegisterLicenseTypeResponse { LicenseType = type.ToMessage(), Created = created };
    }

    [AnyCaller]
    public override async Task<GetLicenseTypeResponse> GetLicenseType(GetLicenseTypeRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var code = violations.Text("type_code", request.TypeCode, 21).ToUpperInvariant();
        violations.ThrowIfAny();
        var type = await licenseTypes.FindAsync(code, context.CancellationToken)
            ?? throw new HubException(HubError.NotFound("LICENSE_TYPE_NOT_FOUND", "no license type has this type_code."));
        return new GetLicenseTypeResponse { LicenseType = type.ToMessage() };
    }

    [AnyCaller]
    public override async Task<ListLicenseTypesResponse> ListLicenseTypes(ListLicenseTypesRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        var issuer = violations.Text("issuer_org_code", request.IssuerOrgCode, 18, required: false).ToUpperInvariant();
        violations.ThrowIfAny();
        var (types, next) = await licenseTypes.ListAsync(page, issuer.Length > 0 ? issuer : null, context.CancellationToken);
        return new ListLicenseTypesResponse
        {
            LicenseTypes = { types.Select(t => t.ToMessage()) },
            NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next),
        };
    }

    [RequiresRole(Role.Catalogue)]
    public override async Task<RegisterMatterResponse> RegisterMatter(RegisterMatterRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var normalized = (await MatterRegistration.ParseAsync(request, code => licenseTypes.FindAsync(code, context.CancellationToken))).ValueOrThrow();
        var (matter, created) = (await matters.RegisterAsync(normalized, caller.Id, context.CancellationToken)).ValueOrThrow();
        return new RegisterMatterResponse { Matter = matter, Created = created };
    }

    [AnyCaller]
    public override async Task<GetMatterResponse> GetMatter(GetMatterRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var code = violations.Text("matter_code", request.MatterCode, InputLimits.CodeLength);
        violations.ThrowIfAny();
        var matter = await matters.GetAsync(code, context.CancellationToken)
            ?? throw new HubException(HubError.NotFound("MATTER_NOT_FOUND", "no matter has this matter_code."));
        return new GetMatterResponse { Matter = matter };
    }

    [AnyCaller]
    public override async Task<ListMattersResponse> ListMatters(ListMattersRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        var department = violations.Text("department_code", request.DepartmentCode, 18, required: false).ToUpperInvariant();
        violations.ThrowIfAny();
        var (list, next) = await matters.ListAsync(page, department.Length > 0 ? department : null, context.CancellationToken);
        return new ListMattersResponse { Matters = { list }, NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next) };
    }

    [RequiresRole(Role.Catalogue)]
    public override async Task<RegisterDataResourceResponse> RegisterDataResource(RegisterDataResourceRequest request, ServerCallContext context)
    {
        var caller = context.GetCaller();
        var allowPlaintext = exchange.Value.AllowPlaintextProviders ?? database.Embedded is not null;
        var normalized = DataResourceRegistration.Parse(request, allowPlaintext).ValueOrThrow();
        var (resource, created) = (await resources.RegisterAsync(normalized, caller.Id, context.CancellationToken)).ValueOrThrow();
        return new RegisterDataResourceResponse { DataResource = resource.ToMessage(showEndpoint: true), Created = created };
    }

    [AnyCaller]
    public override async Task<GetDataResourceResponse> GetDataResource(GetDataResourceRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var code = violations.Text("resource_code", request.ResourceCode, InputLimits.CodeLength);
        violations.ThrowIfAny();
        var resource = await resources.FindAsync(code, context.CancellationToken)
            ?? throw new HubException(HubError.NotFound("DATA_RESOURCE_NOT_FOUND", "no data resource has this resource_code."));
        return new GetDataResourceResponse { DataResource = resource.ToMessage(ShowsEndpoint(context.GetCaller(), resource)) };
    }

    [AnyCaller]
    public override async Task<ListDataResourcesResponse> ListDataResources(ListDataResourcesRequest request, ServerCallContext context)
    {
        var violations = new Violations();
        var page = PageRequest.Parse(request.PageSize, request.PageToken, violations);
        var name = violations.Text("name", request.Name, InputLimits.NameLength, required: false);
        var provider = violations.Text("provider_org_code", request.ProviderOrgCode, 18, required: false).ToUpperInvariant();
        if (request.Level != DataLevel.Unspecified)
        {
            violations.Enum("level", request.Level);
        }

        if (request.SharingType != SharingType.Unspecified)
        {
            violations.Enum("sharing_type", request.SharingType);
        }

        violations.ThrowIfAny();
        var filter = new ResourceFilter(
            name.Length > 0 ? name : null,
            provider.Length > 0 ? provider : null,
            request.Level == DataLevel.Unspecified ? null : request.Level,
            request.SharingType == SharingType.Unspecified ? null : request.SharingType);
        var (list, next) = await resources.ListAsync(page, filter, context.CancellationToken);
        var caller = context.GetCaller();
        return new ListDataResourcesResponse
        {
            DataResources = { list.Select(r => r.ToMessage(ShowsEndpoint(caller, r))) },
            NextPageToken = next is null ? string.Empty : PageRequest.EncodeToken(next),
        };
    }

    [RequiresRole(Role.Catalogue)]
    public override async Task<PreviewDisclosureResponse> PreviewDisclosure(PreviewDisclosureRequest request, ServerCallContext context) =>
        (await preview.PreviewAsync(request, context.CancellationToken)).ValueOrThrow();

    /// <summary>The provider's address is internal network detail: for the platform team and the provider only.</summary>
    private static bool ShowsEndpoint(Caller caller, DataResourceDefinition resource) =>
        caller.Has(Role.Catalogue) || caller.Has(Role.Admin) || caller.OrgCode == resource.ProviderOrgCode;
}
