using Hub.Server.Infrastructure.Hosting;

namespace Hub.Server.Keys;

/// <summary>The seal keys' composition root.</summary>
public static class KeysServices
{
    public static IServiceCollection AddKeys(this IServiceCollection services)
    {
        services.AddValidatedOptions<SigningOptions, SigningOptionsValidator>(SigningOptions.SectionName);
        services.AddSingleton<ISigningKeyStore, PostgresSigningKeyStore>();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<ISigningKeyRing>(sp => sp.GetRequiredService<SigningKeyRing>());
        return services;
    }
}
