using System.Net;
using Grpc.AspNetCore.HealthChecks;
using Hub.Adapters.Exemption;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Ports;
using Hub.Server.Audit;
using Hub.Server.Callers;
using Hub.Server.Catalogue;
using Hub.Server.Demo;
using Hub.Server.Events;
using Hub.Server.Exchange;
using Hub.Server.Infrastructure.Grpc;
using Hub.Server.Infrastructure.InProcess;
using Hub.Server.Infrastructure.Postgres;
using Hub.Server.Infrastructure.Redis;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Infrastructure.Telemetry;
using Hub.Server.Keys;
using Hub.Server.Licenses;
using Hub.Server.Delegations;
using Hub.Server.Obligations;
using Hub.Server.Verification;
using Hub.Server.WebConsole;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Hub.Server.Infrastructure.Hosting;

/// <summary>Wires the whole hub: options, storage, Redis or its fallbacks, gRPC, health, Kestrel and the features.</summary>
public static class HubHostingExtensions
{
    private const string CriticalTag = "critical";

    public static WebApplicationBuilder AddHub(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<HubOptions, HubOptionsValidator>(HubOptions.SectionName);
        services.AddValidatedOptions<EndpointOptions, EndpointOptionsValidator>(EndpointOptions.SectionName);
        services.AddValidatedOptions<EmbeddedOptions, EmbeddedOptionsValidator>(EmbeddedOptions.SectionName);
        services.AddValidatedOptions<BootstrapOptions, BootstrapOptionsValidator>(BootstrapOptions.SectionName);
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(RateLimitOptions.SectionName);
        services.AddValidatedOptions<RedisOptions, RedisOptionsValidator>(RedisOptions.SectionName);
        services.AddValidatedOptions<SecretsOptions, SecretsOptionsValidator>(SecretsOptions.SectionName);
        services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(TelemetryOptions.SectionName);
        services.TryAddTimeProvider();
        AddConsoleTimestamps(services);

        AddStorage(services);
        AddRedisOrFallbacks(services, builder.Configuration);
        AddGrpc(services);
        services.AddTelemetry(builder.Configuration);
        AddFeatures(services);
        ConfigureKestrel(builder);
        return builder;
    }

    public static WebApplication MapHub(this WebApplication app)
    {
        // After routing (it reads the transcoder's endpoint), before the endpoint runs.
        app.UseTelemetry();
        app.UseRouting();
        app.UseMiddleware<Rest.RestRequestGate>();
        app.MapGrpcService<AdminGrpcService>();
        app.MapGrpcService<CatalogueGrpcService>();
        app.MapGrpcService<LicenseGrpcService>();
        app.MapGrpcService<VerificationGrpcService>();
        app.MapGrpcService<AuditGrpcService>();
        app.MapGrpcService<ExemptionGrpcService>();
        app.MapGrpcService<ObligationGrpcService>();
        app.MapGrpcService<DelegationGrpcService>();
        app.MapGrpcService<ExchangeGrpcService>();
        app.MapGrpcService<EventGrpcService>();
        app.MapGrpcHealthChecksService().WithMetadata(new AllowAnonymousCallerAttribute());
        if (app.Services.GetRequiredService<IOptions<EndpointOptions>>().Value.Reflection
            ?? string.IsNullOrWhiteSpace(app.Configuration.GetConnectionString("Hub")))
        {
            app.MapGrpcReflectionService().WithMetadata(new AllowAnonymousCallerAttribute());
        }

        app.MapGet("/openapi.json", (Rest.OpenApiDocument document) => document.Write());
        app.MapWebConsole();
        return app;
    }

    /// <summary>
    /// Console logs carry their time with its offset (the simple formatter by default; <c>Logging:Console:FormatterName
    /// = json</c> for a log collector, ISO 8601 there). A format set in configuration wins.
    /// </summary>
    private static void AddConsoleTimestamps(IServiceCollection services)
    {
        services.Configure<Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions>(o => o.TimestampFormat ??= "yyyy-MM-dd HH:mm:ss.fff zzz ");
        services.Configure<Microsoft.Extensions.Logging.Console.JsonConsoleFormatterOptions>(o => o.TimestampFormat ??= "yyyy-MM-ddTHH:mm:ss.fffzzz");
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (services.All(d => d.ServiceType != typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }

    private static void AddStorage(IServiceCollection services)
    {
        // Resolved on first use (the migration service at start-up), after every configuration source is in place;
        // disposing the container disposes the data source and stops an embedded cluster.
        services.AddSingleton(sp => HubDatabase.Open(
            sp.GetRequiredService<IConfiguration>().GetConnectionString("Hub"),
            sp.GetRequiredService<IOptions<HubOptions>>().Value,
            sp.GetRequiredService<IOptions<EmbeddedOptions>>().Value));
        services.AddSingleton<NpgsqlDataSource>(sp => sp.GetRequiredService<HubDatabase>().DataSource);
        services.AddSingleton(sp => sp.GetRequiredService<HubDatabase>().StandbyReads);
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<PostgresAccessLog>();
        services.AddSingleton<GroupCommitAccessLog>();
        services.AddSingleton<IAccessLog>(sp => sp.GetRequiredService<GroupCommitAccessLog>());
        services.AddSingleton<IdempotentRequests>();
        services.AddSingleton<IIdempotentRunner>(sp => sp.GetRequiredService<IdempotentRequests>());
        services.AddSingleton<IDataKeyStore, PostgresDataKeyStore>();
        services.AddHostedService<DatabaseMigrationService>();
        services.AddSingleton(sp => MasterKey.Resolve(
            sp.GetRequiredService<IOptions<SecretsOptions>>().Value.MasterKey,
            sp.GetRequiredService<IOptions<HubOptions>>().Value.StatePath,
            sp.GetRequiredService<HubDatabase>().Embedded is not null));
        services.AddSingleton<DataProtector>();
        services.AddHostedService<KeyMaterialInitializer>();
        services.AddHostedService<ExpiredRowSweeper>();
        services.AddSingleton<DateNoticeService>();
        services.AddHostedService(sp => sp.GetRequiredService<DateNoticeService>());
    }

    private static void AddRedisOrFallbacks(IServiceCollection services, ConfigurationManager configuration)
    {
        services.AddSingleton<InProcessRateLimiter>();
        // One-time nonces live in PostgreSQL with or without Redis: a Redis that restarts empty, or is unreachable,
        // must never let a presented token be redeemed twice, nor stop redemptions that PostgreSQL can decide.
        services.AddSingleton<IOneTimeNonceStore, PostgresNonceStore>();
        var redis = configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>();
        // Singletons, so each check's one-second memory lasts: AddCheck<T> resolves a registered T instead of building one.
        services.AddSingleton<PostgresHealthCheck>();
        var health = services.AddGrpcHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", tags: [CriticalTag]);
        services.Configure<GrpcHealthChecksOptions>(o =>
        {
            o.Services.Clear();
            // The overall status ("") follows only what the hub cannot serve without: Redis is an accelerator.
            o.Services.Map(string.Empty, r => r.Tags.Contains(CriticalTag));
            o.Services.Map("postgres", r => r.Name == "postgres");
            // Each call asks the checks, which remember their last answer for a second (see MemoizedHealthCheck).
            o.UseHealthChecksCache = false;
        });

        if (configuration.GetSection(AuditOptions.SectionName + ":" + nameof(AuditOptions.Witnesses)).GetChildren().Any())
        {
            health.AddCheck<WitnessHealthCheck>("witnesses");
            services.AddSingleton<WitnessHealthCheck>();
            services.Configure<GrpcHealthChecksOptions>(o => o.Services.Map("witnesses", r => r.Name == "witnesses"));
        }

        if (redis?.Enabled == true)
        {
            services.AddSingleton<RedisConnection>();
            services.AddSingleton<IHubCache, RedisHubCache>();
            services.AddSingleton<IRateLimiter, RedisRateLimiter>();
            services.AddSingleton<IChangeNotifier, RedisChangeNotifier>();
            services.AddSingleton<RedisHealthCheck>();
            health.AddCheck<RedisHealthCheck>("redis");
            services.Configure<GrpcHealthChecksOptions>(o => o.Services.Map("redis", r => r.Name == "redis"));
        }
        else
        {
            services.AddSingleton<IHubCache, MemoryHubCache>();
            services.AddSingleton<IRateLimiter>(sp => sp.GetRequiredService<InProcessRateLimiter>());
            services.AddSingleton<IChangeNotifier, InProcessChangeNotifier>();
        }
    }

    private static void AddGrpc(IServiceCollection services)
    {
        services.AddSingleton<ErrorMappingInterceptor>();
        services.AddSingleton<CallerInterceptor>();
        services.AddSingleton<RateLimitInterceptor>();
        services.AddGrpc(o =>
        {
            // Outermost first: each call timed with the status its caller got; every failure mapped; then who is
            // calling; then how often.
            o.Interceptors.Add<RpcMetricsInterceptor>();
            o.Interceptors.Add<ErrorMappingInterceptor>();
            o.Interceptors.Add<CallerInterceptor>();
            o.Interceptors.Add<RateLimitInterceptor>();
            o.EnableDetailedErrors = false;
        }).AddJsonTranscoding(o =>
            // Error details travel as google.protobuf.Any: the JSON writer must know their types.
            o.TypeRegistry = Hub.Core.Errors.HubErrorMapping.DetailTypes);
        services.AddSingleton<Rest.RestRoutes>();
        services.AddSingleton<Rest.OpenApiDocument>();
        services.AddOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<IOptions<HubOptions>>((o, hub) =>
        {
            o.MaxReceiveMessageSize = hub.Value.MaxMessageBytes;
            o.MaxSendMessageSize = hub.Value.MaxMessageBytes;
        });
        services.AddGrpcReflection();
    }

    /// <summary>Each feature wires itself (its folder's *Services class); this is only the list.</summary>
    private static void AddFeatures(IServiceCollection services)
    {
        services.AddCallers();
        services.AddKeys();
        services.AddCatalogue();
        services.AddLicenses();
        services.AddVerification();
        services.AddAudit();
        services.AddExchange();
        services.AddObligations();
        services.AddDelegations();
        services.AddEvents();
        services.AddDemo();
        services.AddWebConsole();
        services.AddHostedService<EmbeddedWelcome>();
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var endpoints = kestrel.ApplicationServices.GetRequiredService<IOptions<EndpointOptions>>().Value;
            var hub = kestrel.ApplicationServices.GetRequiredService<IOptions<HubOptions>>().Value;
            var address = IPAddress.Parse(endpoints.Address);
            kestrel.Limits.MaxRequestBodySize = hub.MaxMessageBytes + 1024;
            var telemetry = kestrel.ApplicationServices.GetRequiredService<IOptions<TelemetryOptions>>().Value;
            if (telemetry.MetricsPort != 0)
            {
                kestrel.Listen(IPAddress.Parse(telemetry.MetricsAddress), telemetry.MetricsPort, o => o.Protocols = HttpProtocols.Http1);
            }

            if (endpoints.GrpcPort != 0)
            {
                kestrel.Listen(IPAddress.Parse(endpoints.GrpcAddress), endpoints.GrpcPort, o => o.Protocols = HttpProtocols.Http2);
            }

            if (endpoints.TlsPort == 0)
            {
                return;
            }

            var embedded = string.IsNullOrWhiteSpace(context.Configuration.GetConnectionString("Hub"));
            var certificate = endpoints.HasConfiguredCertificate
                ? TlsCertificate.LoadConfigured(endpoints.CertificatePath!, endpoints.KeyPath!)
                : embedded
                    ? TlsCertificate.LoadOrCreateSelfSigned(hub.StatePath, kestrel.ApplicationServices.GetRequiredService<TimeProvider>())
                    : null;
            if (certificate is null)
            {
                kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HubHostingExtensions)).TlsDisabled();
                return;
            }

            kestrel.Listen(address, endpoints.TlsPort, o =>
            {
                o.Protocols = HttpProtocols.Http1AndHttp2;
                o.UseHttps(certificate, https =>
                {
                    // Client certificates are optional (API keys are the other way in) and are trusted only when
                    // their thumbprint is registered to a caller, so no chain validation is asked of them here.
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                    https.AllowAnyClientCertificate();
                });
            });
        });
    }
}
