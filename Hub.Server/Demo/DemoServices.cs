using Hub.Server.Infrastructure.Hosting;

namespace Hub.Server.Demo;

/// <summary>The embedded default's demo: its data, its demo provider and the welcome banner.</summary>
public static class DemoServices
{
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddValidatedOptions<DemoOptions, DemoOptionsValidator>(DemoOptions.SectionName);
        services.AddSingleton<DemoProviderHost>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoProviderHost>());
        services.AddHostedService<DemoDataSeeder>();
        return services;
    }
}
