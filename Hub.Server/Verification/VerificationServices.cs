using Hub.Adapters.Exemption;
using Hub.Adapters.Ports;
using Hub.Adapters.Presentations;

namespace Hub.Server.Verification;

/// <summary>The verification feature's composition root: VerifyLicense, 亮证 presentations and the 免证办 checks.</summary>
public static class VerificationServices
{
    public static IServiceCollection AddVerification(this IServiceCollection services)
    {
        services.AddSingleton<LicenseVerifier>();
        services.AddSingleton<IPresentationSigner, PresentationSigner>();
        services.AddSingleton<PresentationService>();
        services.AddSingleton<ExemptionChecker>();
        return services;
    }
}
