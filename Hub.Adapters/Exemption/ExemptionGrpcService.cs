using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Time;
using Hub.Exemption.V1;

namespace Hub.Adapters.Exemption;

/// <summary>Adapts exemption.proto (gRPC and its REST/JSON routes) to <see cref="ExemptionChecker"/>: parse, run, map.</summary>
public sealed class ExemptionGrpcService(ExemptionChecker checker, HolderInputParser holders, TimeProvider time) : ExemptionService.ExemptionServiceBase
{
    [RequiresRole(Role.Verifier)]
    public override Task<CheckMatterResponse> CheckMatter(CheckMatterRequest request, ServerCallContext context) =>
        Rpc.RunAsync(
            CheckMatterCommand.Parse(request, holders, ChinaCalendar.Today(time)),
            command => checker.CheckMatterAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Verifier)]
    public override Task<CheckLicenseResponse> CheckLicense(CheckLicenseRequest request, ServerCallContext context) =>
        Rpc.RunAsync(
            CheckLicenseCommand.Parse(request, holders, ChinaCalendar.Today(time)),
            command => checker.CheckLicenseAsync(context.GetCaller(), command, context.CancellationToken));
}
