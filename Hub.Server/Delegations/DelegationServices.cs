using Hub.Adapters.Ports;

namespace Hub.Server.Delegations;

/// <summary>委托授权's composition root: the store, the parties' sealing, the checks (the port CheckMatter and presentations use), the desk.</summary>
public static class DelegationServices
{
    public static IServiceCollection AddDelegations(this IServiceCollection services)
    {
        services.AddSingleton<IDelegationStore, PostgresDelegationStore>();
        services.AddSingleton<DelegationParties>();
        services.AddSingleton<LegalRepresentatives>();
        services.AddSingleton<DelegationChecks>();
        services.AddSingleton<IDelegationChecks>(provider => provider.GetRequiredService<DelegationChecks>());
        services.AddSingleton<DelegationDesk>();
        return services;
    }
}
