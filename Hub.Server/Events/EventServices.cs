using Hub.Server.Events.Supervision;
using Hub.Server.Events.Webhooks;
using Hub.Server.Infrastructure.Hosting;

namespace Hub.Server.Events;

/// <summary>The events feature's composition root: the stream, webhooks and their dispatcher, supervision results, retention.</summary>
public static class EventServices
{
    public static IServiceCollection AddEvents(this IServiceCollection services)
    {
        services.AddValidatedOptions<EventOptions, EventOptionsValidator>(EventOptions.SectionName);
        services.AddSingleton<EventBell>();
        services.AddSingleton<IEventStore, PostgresEventStore>();
        services.AddSingleton<EventFeed>();
        services.AddSingleton<IWebhookStore, PostgresWebhookStore>();
        // No redirects (a 307 would re-POST the signed event elsewhere), and the address rules on every connection.
        services.AddHttpClient(WebhookSender.HttpClientName).ConfigurePrimaryHttpMessageHandler(sp =>
        {
            var options = sp.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<EventOptions>>();
            return new SocketsHttpHandler { AllowAutoRedirect = false, ConnectCallback = WebhookAddresses.Connect(() => options.CurrentValue.AllowLoopbackWebhooks) };
        });
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDesk>();
        services.AddHostedService<WebhookDispatcher>();
        services.AddSingleton<ISupervisionStore, PostgresSupervisionStore>();
        services.AddSingleton<SupervisionDesk>();
        services.AddHostedService<EventRetention>();
        return services;
    }
}
