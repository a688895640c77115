using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Licenses.V1;
using Hub.Server.Licenses.Import;

namespace Hub.Server.Licenses;

/// <summary>Adapts licenses.proto to <see cref="LicenseIssuer"/>, <see cref="LicenseImporter"/> and <see cref="LicenseReader"/>.</summary>
public sealed class LicenseGrpcService(LicenseIssuer issuer, LicenseImporter importer, LicenseReader reader) : LicenseService.LicenseServiceBase
{
    [RequiresRole(Role.Issuer)]
    public override async Task<IssueLicenseResponse> IssueLicense(IssueLicenseRequest request, ServerCallContext context) =>
        (await issuer.IssueAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Issuer)]
    public override async Task<AmendLicenseResponse> AmendLicense(AmendLicenseRequest request, ServerCallContext context) =>
        (await issuer.AmendAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Issuer)]
    public override async Task<ChangeLicenseStatusResponse> ChangeLicenseStatus(ChangeLicenseStatusRequest request, ServerCallContext context) =>
        (await issuer.ChangeStatusAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Issuer, Role.Verifier)]
    public override async Task<GetLicenseResponse> GetLicense(GetLicenseRequest request, ServerCallContext context) =>
        (await reader.GetAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Verifier, Role.Portal)]
    public override async Task<ListHolderLicensesResponse> ListHolderLicenses(ListHolderLicensesRequest request, ServerCallContext context) =>
        (await reader.ListHolderAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Issuer, Role.Portal)]
    public override async Task<ExportLicenseDocumentResponse> ExportLicenseDocument(ExportLicenseDocumentRequest request, ServerCallContext context) =>
        (await reader.ExportAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    /// <summary>Answers each batch in order once its licenses and audit entries have committed; a bad batch ends the stream.</summary>
    [RequiresRole(Role.Issuer)]
    public override Task ImportLicenses(IAsyncStreamReader<ImportLicensesRequest> requestStream, IServerStreamWriter<ImportLicensesResponse> responseStream, ServerCallContext context) =>
        ImportStream.RunAsync(importer, context.GetCaller(), requestStream, responseStream, context.CancellationToken);
}
