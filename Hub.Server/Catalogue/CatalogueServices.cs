using Hub.Adapters.Ports;

namespace Hub.Server.Catalogue;

/// <summary>The catalogue feature's composition root: license types, matters, data resources and the disclosure preview.</summary>
public static class CatalogueServices
{
    public static IServiceCollection AddCatalogue(this IServiceCollection services)
    {
        services.AddSingleton<ILicenseTypeStore, PostgresLicenseTypeStore>();
        services.AddSingleton<ILicenseTypeRules, LicenseTypeRules>();
        services.AddSingleton<IMatterStore, PostgresMatterStore>();
        services.AddSingleton<IMatterCatalogue>(sp => sp.GetRequiredService<IMatterStore>());
        services.AddSingleton<IDataResourceStore, PostgresDataResourceStore>();
        services.AddSingleton<CatalogueRegistry>();
        services.AddSingleton<DisclosurePreview>();
        return services;
    }
}
