using Hub.Core.Ports;
using Hub.Server.Infrastructure.Hosting;

namespace Hub.Server.Callers;

/// <summary>The callers feature's composition root: registered systems, their credentials, the bootstrap ADMIN.</summary>
public static class CallersServices
{
    public static IServiceCollection AddCallers(this IServiceCollection services)
    {
        services.AddValidatedOptions<AccessWatchOptions, AccessWatchOptionsValidator>(AccessWatchOptions.SectionName);
        services.AddSingleton<ICallerStore, PostgresCallerStore>();
        services.AddSingleton<IAccessWatch, AccessWatch>();
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<FailedAuthenticationThrottle>();
        services.AddSingleton<CallerDesk>();
        services.AddHostedService<BootstrapAdminService>();
        return services;
    }
}
