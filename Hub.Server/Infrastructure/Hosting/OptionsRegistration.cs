using Microsoft.Extensions.Options;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Binds a settings section, validated at start-up by its validator: one call per options type.</summary>
public static class OptionsRegistration
{
    public static IServiceCollection AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services;
    }
}
