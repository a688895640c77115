using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Time;
using Hub.Licenses.V1;
using Hub.Server.Licenses.Import;

namespace Hub.Server.Licenses;

/// <summary>Adapts licenses.proto to <see cref="LicenseIssuer"/>, <see cref="LicenseImporter"/> and <see cref="LicenseReader"/>: parse, run, map.</summary>
public sealed class LicenseGrpcService(LicenseIssuer issuer, LicenseImporter importer, LicenseReader reader, HolderInputParser holders, TimeProvider time)
    : LicenseService.LicenseServiceBase
{
    [RequiresRole(Role.Issuer)]
    public override Task<IssueLicenseResponse> IssueLicense(IssueLicenseRequest request, ServerCallContext context) =>
        Rpc.RunAsync(IssueLicenseCommand.Parse(request), command => issuer.IssueAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Issuer)]
    public override Task<AmendLicenseResponse> AmendLicense(AmendLicenseRequest request, ServerCallContext context) =>
        Rpc.RunAsync(AmendLicenseCommand.Parse(request), command => issuer.AmendAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Issuer)]
    public override Task<ChangeLicenseStatusResponse> ChangeLicenseStatus(ChangeLicenseStatusRequest request, ServerCallContext context) =>
        Rpc.RunAsync(ChangeLicenseStatusCommand.Parse(request), command => issuer.ChangeStatusAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Issuer, Role.Verifier)]
    public override Task<GetLicenseResponse> GetLicense(GetLicenseRequest request, ServerCallContext context) =>
        Rpc.RunAsync(GetLicenseCommand.Parse(request), command => reader.GetAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Verifier, Role.Portal)]
    public override Task<ListHolderLicensesResponse> ListHolderLicenses(ListHolderLicensesRequest request, ServerCallContext context) =>
        Rpc.RunAsync(
            ListHolderLicensesCommand.Parse(request, holders, ChinaCalendar.Today(time)),
            command => reader.ListHolderAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Issuer, Role.Portal)]
    public override Task<ExportLicenseDocumentResponse> ExportLicenseDocument(ExportLicenseDocumentRequest request, ServerCallContext context) =>
        Rpc.RunAsync(
            ExportLicenseCommand.Parse(request, context.GetCaller().Has(Role.Portal), holders, ChinaCalendar.Today(time)),
            command => reader.ExportAsync(context.GetCaller(), command, context.CancellationToken));

    /// <summary>Answers each batch in order once its licenses and audit entries have committed; a bad batch ends the stream.</summary>
    [RequiresRole(Role.Issuer)]
    public override Task ImportLicenses(IAsyncStreamReader<ImportLicensesRequest> requestStream, IServerStreamWriter<ImportLicensesResponse> responseStream, ServerCallContext context) =>
        ImportStream.RunAsync(importer, context.GetCaller(), requestStream, responseStream, context.CancellationToken);
}
