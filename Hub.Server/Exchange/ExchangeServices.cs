using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.Hosting;

namespace Hub.Server.Exchange;

/// <summary>The exchange feature's composition root: grants, the provider gateway and the broker.</summary>
public static class ExchangeServices
{
    public static IServiceCollection AddExchange(this IServiceCollection services)
    {
        services.AddValidatedOptions<ExchangeOptions, ExchangeOptionsValidator>(ExchangeOptions.SectionName);
        services.AddSingleton<IGrantStore, PostgresGrantStore>();
        services.AddSingleton<IGrantsInForce, GrantsInForce>();
        services.AddSingleton<IProviderEndpointPolicy, ProviderEndpointPolicy>();
        services.AddSingleton<GrantDesk>();
        services.AddSingleton<Hub.Core.Ports.IDateNotice, GrantDeadlineNotice>();
        services.AddSingleton<GrantQueries>();
        services.AddSingleton<ProviderGateway>();
        services.AddSingleton<DataBroker>();
        return services;
    }
}
