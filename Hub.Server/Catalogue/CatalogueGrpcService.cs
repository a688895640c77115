using Grpc.Core;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;

namespace Hub.Server.Catalogue;

/// <summary>Adapts catalogue.proto to the catalogue registry and the disclosure preview: parse, run, map.</summary>
public sealed class CatalogueGrpcService(CatalogueRegistry registry, DisclosurePreview preview, IProviderEndpointPolicy providers) : CatalogueService.CatalogueServiceBase
{
    [RequiresRole(Role.Catalogue)]
    public override Task<RegisterLicenseTypeResponse> RegisterLicenseType(RegisterLicenseTypeRequest request, ServerCallContext context) =>
        Rpc.RunAsync(LicenseTypeRegistration.Parse(request), normalized => registry.RegisterLicenseTypeAsync(context.GetCaller(), normalized, context.CancellationToken));

    [AnyCaller]
    public override Task<GetLicenseTypeResponse> GetLicenseType(GetLicenseTypeRequest request, ServerCallContext context) =>
        Rpc.RunAsync(CatalogueCommands.TypeCode(request.TypeCode), code => registry.GetLicenseTypeAsync(code, context.CancellationToken));

    [AnyCaller]
    public override Task<ListLicenseTypesResponse> ListLicenseTypes(ListLicenseTypesRequest request, ServerCallContext context) =>
        Rpc.RunAsync(ListLicenseTypesCommand.Parse(request), command => registry.ListLicenseTypesAsync(command, context.CancellationToken));

    [RequiresRole(Role.Catalogue)]
    public override async Task<RegisterMatterResponse> RegisterMatter(RegisterMatterRequest request, ServerCallContext context) =>
        await Rpc.RunAsync(await registry.ParseMatterAsync(request, context.CancellationToken), normalized => registry.RegisterMatterAsync(context.GetCaller(), normalized, context.CancellationToken));

    [AnyCaller]
    public override Task<GetMatterResponse> GetMatter(GetMatterRequest request, ServerCallContext context) =>
        Rpc.RunAsync(CatalogueCommands.MatterCode(request.MatterCode), code => registry.GetMatterAsync(code, context.CancellationToken));

    [AnyCaller]
    public override Task<ListMattersResponse> ListMatters(ListMattersRequest request, ServerCallContext context) =>
        Rpc.RunAsync(ListMattersCommand.Parse(request), command => registry.ListMattersAsync(command, context.CancellationToken));

    [RequiresRole(Role.Catalogue)]
    public override Task<RegisterDataResourceResponse> RegisterDataResource(RegisterDataResourceRequest request, ServerCallContext context) =>
        Rpc.RunAsync(
            DataResourceRegistration.Parse(request, providers.AllowPlaintext),
            normalized => registry.RegisterDataResourceAsync(context.GetCaller(), normalized, context.CancellationToken));

    [AnyCaller]
    public override Task<GetDataResourceResponse> GetDataResource(GetDataResourceRequest request, ServerCallContext context) =>
        Rpc.RunAsync(CatalogueCommands.ResourceCode(request.ResourceCode), code => registry.GetDataResourceAsync(context.GetCaller(), code, context.CancellationToken));

    [AnyCaller]
    public override Task<ListDataResourcesResponse> ListDataResources(ListDataResourcesRequest request, ServerCallContext context) =>
        Rpc.RunAsync(ListDataResourcesCommand.Parse(request), command => registry.ListDataResourcesAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Catalogue)]
    public override Task<PreviewDisclosureResponse> PreviewDisclosure(PreviewDisclosureRequest request, ServerCallContext context) =>
        Rpc.RunAsync(preview.PreviewAsync(request, context.CancellationToken));
}
