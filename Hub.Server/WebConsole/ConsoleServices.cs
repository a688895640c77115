namespace Hub.Server.WebConsole;

/// <summary>The web console's composition root: its static site and its route under <c>/console</c>.</summary>
public static class ConsoleServices
{
    public static IServiceCollection AddWebConsole(this IServiceCollection services) => services.AddSingleton<ConsoleSite>();

    public static WebApplication MapWebConsole(this WebApplication app)
    {
        app.MapGrpcService<ConsoleGrpcService>();
        app.MapGet(ConsoleSite.PathPrefix, (HttpContext context, ConsoleSite site) => site.ServeAsync(context, null));
        app.MapGet(ConsoleSite.PathPrefix + "/{**path}", (HttpContext context, ConsoleSite site, string? path) => site.ServeAsync(context, path));
        return app;
    }
}
