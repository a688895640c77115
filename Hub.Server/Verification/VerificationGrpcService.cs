using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hub.Adapters.Presentations;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Core.Holders;
using Hub.Core.Time;
using Hub.Server.Keys;
using Hub.Verification.V1;

namespace Hub.Server.Verification;

/// <summary>Adapts verification.proto: license verification (VERIFIER) and the published signing keys (anyone).</summary>
public sealed class VerificationGrpcService(LicenseVerifier verifier, PresentationService presentations, ISigningKeyRing keys, HolderInputParser holders, TimeProvider time) : VerificationService.VerificationServiceBase
{
    [RequiresRole(Role.Portal)]
    public override Task<CreatePresentationResponse> CreatePresentation(CreatePresentationRequest request, ServerCallContext context) =>
        Rpc.RunAsync(
            CreatePresentationCommand.Parse(request, holders, ChinaCalendar.Today(time)),
            command => presentations.CreateAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Verifier)]
    public override Task<VerifyPresentationResponse> VerifyPresentation(VerifyPresentationRequest request, ServerCallContext context) =>
        Rpc.RunAsync(VerifyPresentationCommand.Parse(request), command => presentations.VerifyAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Verifier)]
    public override Task<VerifyLicenseResponse> VerifyLicense(VerifyLicenseRequest request, ServerCallContext context) =>
        Rpc.RunAsync(VerifyLicenseCommand.Parse(request, holders, ChinaCalendar.Today(time)), command => verifier.VerifyAsync(context.GetCaller(), command, context.CancellationToken));

    [AllowAnonymousCaller]
    public override async Task<GetSigningKeysResponse> GetSigningKeys(GetSigningKeysRequest request, ServerCallContext context)
    {
        var response = new GetSigningKeysResponse { DocumentCertificatePem = keys.DocumentCertificate.ExportCertificatePem() };
        foreach (var key in await keys.ListAsync(context.CancellationToken))
        {
            var message = new SigningKey
            {
                KeyId = key.KeyId,
                Algorithm = key.Algorithm,
                PublicKeyPem = key.PublicKey.Pem,
                Status = key.Status switch
                {
                    SigningKeyStatus.Active => KeyStatus.Active,
                    SigningKeyStatus.Retired => KeyStatus.Retired,
                    _ => KeyStatus.Revoked,
                },
                NotBefore = Timestamp.FromDateTimeOffset(key.CreatedAt),
                RevocationReason = key.RevocationReason ?? string.Empty,
            };
            if ((key.RevokedAt ?? key.RetiredAt) is { } end)
            {
                message.NotAfter = Timestamp.FromDateTimeOffset(end);
            }

            response.Keys.Add(message);
        }

        return response;
    }
}
