using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Hub.Adapters.Presentations;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Server.Keys;
using Hub.Verification.V1;

namespace Hub.Server.Verification;

/// <summary>Adapts verification.proto: license verification (VERIFIER) and the published signing keys (anyone).</summary>
public sealed class VerificationGrpcService(LicenseVerifier verifier, PresentationService presentations, SigningKeyRing keys) : VerificationService.VerificationServiceBase
{
    [RequiresRole(Role.Portal)]
    public override async Task<CreatePresentationResponse> CreatePresentation(CreatePresentationRequest request, ServerCallContext context) =>
        (await presentations.CreateAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Verifier)]
    public override async Task<VerifyPresentationResponse> VerifyPresentation(VerifyPresentationRequest request, ServerCallContext context) =>
        (await presentations.VerifyAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

    [RequiresRole(Role.Verifier)]
    public override async Task<VerifyLicenseResponse> VerifyLicense(VerifyLicenseRequest request, ServerCallContext context) =>
        (await verifier.VerifyAsync(context.GetCaller(), request, context.CancellationToken)).ValueOrThrow();

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
