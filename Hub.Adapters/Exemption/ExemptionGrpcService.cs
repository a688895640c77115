using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Exemption.V1;

namespace Hub.Adapters.Exemption;

/// <summary>Adapts exemption.proto (gRPC and its REST/JSON routes) to <see cref="ExemptionChecker"/>.</summary>
public sealed class ExemptionGrpcService(ExemptionChecker checker) : ExemptionService.ExemptionServiceBase
{
    [RequiresRole(Role.Verifier)]
    public override async Task<CheckMatterResponse> CheckMatter(CheckMatterRequest request, ServerCallContext context) =>
        (await checker.CheckMatterAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Verifier)]
    public override async Task<CheckLicenseResponse> CheckLicense(CheckLicenseRequest request, ServerCallContext context) =>
        (await checker.CheckLicenseAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();
}
