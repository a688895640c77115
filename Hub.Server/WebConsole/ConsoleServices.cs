namespace Hub.Server.WebConsole;

/// <summary>The web console's composition root: its static site and route under <c>/console</c>, and the figures its dashboard reads.</summary>
public static class ConsoleServices
{
    public static IServiceCollection AddWebConsole(this IServiceCollection services)
    {
        services.AddSingleton<ConsoleSite>();
        services.AddSingleton<IConsoleFigureStore, PostgresConsoleFigureStore>();
        services.AddSingleton<ConsoleFigures>();
        return services;
    }

    public static WebApplication MapWebConsole(this WebApplication app)
    {
        app.MapGrpcService<ConsoleGrpcService>();
        app.MapGet(ConsoleSite.PathPrefix, (HttpContext context, ConsoleSite site) => site.ServeAsync(context, null));
        app.MapGet(ConsoleSite.PathPrefix + "/{**path}", (HttpContext context, ConsoleSite site, string? path) => site.ServeAsync(context, path));
        return app;
    }
}
