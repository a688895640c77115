using Hub.Adapters.Ports;
using Hub.Core.Holders;
using Hub.Server.Infrastructure.Hosting;
using Hub.Server.Licenses.Import;
using Microsoft.Extensions.Options;

namespace Hub.Server.Licenses;

/// <summary>The licenses feature's composition root: its options, stores and rules.</summary>
public static class LicensesServices
{
    public static IServiceCollection AddLicenses(this IServiceCollection services)
    {
        services.AddValidatedOptions<LicenseOptions, LicenseOptionsValidator>(LicenseOptions.SectionName);
        services.AddSingleton(sp => new HolderInputParser(sp.GetRequiredService<IOptions<LicenseOptions>>().Value.LegacyUsccSet));
        services.AddSingleton<ILicenseStore, PostgresLicenseStore>();
        services.AddSingleton<Hub.Core.Ports.IDateNotice, LicenseExpiryNotice>();
        services.AddSingleton<ILicenseSerialStore, PostgresLicenseSerialStore>();
        services.AddSingleton<INewLicenseWriter, PostgresNewLicenseWriter>();
        services.AddSingleton<ILicenseImportStore, PostgresLicenseImportStore>();
        services.AddSingleton<LicenseSerials>();
        services.AddSingleton<LicenseLookup>();
        services.AddSingleton<ILicenseDirectory>(sp => sp.GetRequiredService<LicenseLookup>());
        services.AddSingleton<NewLicenseValidator>();
        services.AddSingleton<LicenseIssuer>();
        services.AddSingleton<LicenseImporter>();
        services.AddSingleton<LicenseReader>();
        services.AddSingleton<IHolderLicenseSource, HolderLicenseSource>();
        return services;
    }
}
