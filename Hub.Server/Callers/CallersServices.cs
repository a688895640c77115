namespace Hub.Server.Callers;

/// <summary>The callers feature's composition root: registered systems, their credentials, the bootstrap ADMIN.</summary>
public static class CallersServices
{
    public static IServiceCollection AddCallers(this IServiceCollection services)
    {
        services.AddSingleton<ICallerStore, PostgresCallerStore>();
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<CallerDesk>();
        services.AddHostedService<BootstrapAdminService>();
        return services;
    }
}
