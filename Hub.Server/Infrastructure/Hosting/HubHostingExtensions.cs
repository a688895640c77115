using System.Net;
using Grpc.AspNetCore.HealthChecks;
using Hub.Adapters.Exemption;
using Hub.Adapters.Ports;
using Hub.Adapters.Presentations;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Ports;
using Hub.Server.Audit;
using Hub.Server.Callers;
using Hub.Server.Catalogue;
using Hub.Server.Demo;
using Hub.Server.Exchange;
using Hub.Server.Infrastructure.Secrets;
using Hub.Server.Keys;
using Hub.Server.Licenses;
using Hub.Server.Verification;
using Hub.Server.Infrastructure.Grpc;
using Hub.Server.Infrastructure.InProcess;
using Hub.Server.Infrastructure.Postgres;
using Hub.Server.Infrastructure.Redis;
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
        AddOptions<HubOptions>(services, HubOptions.SectionName);
        AddOptions<EndpointOptions>(services, EndpointOptions.SectionName);
        AddOptions<EmbeddedOptions>(services, EmbeddedOptions.SectionName);
        AddOptions<BootstrapOptions>(services, BootstrapOptions.SectionName);
        AddOptions<RateLimitOptions>(services, RateLimitOptions.SectionName);
        AddOptions<RedisOptions>(services, RedisOptions.SectionName);
        AddOptions<SecretsOptions>(services, SecretsOptions.SectionName);
        AddOptions<LicenseOptions>(services, LicenseOptions.SectionName);
        AddOptions<DemoOptions>(services, DemoOptions.SectionName);
        AddOptions<AuditOptions>(services, AuditOptions.SectionName);
        AddOptions<ExchangeOptions>(services, ExchangeOptions.SectionName);
        AddOptions<SigningOptions>(services, SigningOptions.SectionName);
        services.AddSingleton<IValidateOptions<HubOptions>, HubOptionsValidator>();
        services.AddSingleton<IValidateOptions<EndpointOptions>, EndpointOptionsValidator>();
        services.AddSingleton<IValidateOptions<EmbeddedOptions>, EmbeddedOptionsValidator>();
        services.AddSingleton<IValidateOptions<BootstrapOptions>, BootstrapOptionsValidator>();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<IValidateOptions<RedisOptions>, RedisOptionsValidator>();
        services.AddSingleton<IValidateOptions<SecretsOptions>, SecretsOptionsValidator>();
        services.AddSingleton<IValidateOptions<LicenseOptions>, LicenseOptionsValidator>();
        services.AddSingleton<IValidateOptions<DemoOptions>, DemoOptionsValidator>();
        services.AddSingleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>();
        services.AddSingleton<IValidateOptions<ExchangeOptions>, ExchangeOptionsValidator>();
        services.AddSingleton<IValidateOptions<SigningOptions>, SigningOptionsValidator>();
        services.TryAddTimeProvider();

        AddStorage(services);
        AddRedisOrFallbacks(services, builder.Configuration);
        AddGrpc(services);
        AddFeatures(services);
        ConfigureKestrel(builder);
        return builder;
    }

    public static WebApplication MapHub(this WebApplication app)
    {
        app.MapGrpcService<AdminGrpcService>();
        app.MapGrpcService<CatalogueGrpcService>();
        app.MapGrpcService<LicenseGrpcService>();
        app.MapGrpcService<VerificationGrpcService>();
        app.MapGrpcService<AuditGrpcService>();
        app.MapGrpcService<ExemptionGrpcService>();
        app.MapGrpcService<ExchangeGrpcService>();
        app.MapGrpcHealthChecksService().WithMetadata(new AllowAnonymousCallerAttribute());
        app.MapGrpcReflectionService().WithMetadata(new AllowAnonymousCallerAttribute());
        app.MapGet("/openapi.json", OpenApiDocument.Write);
        return app;
    }

    private static void AddOptions<T>(IServiceCollection services, string section)
        where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();

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
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<PostgresAccessLog>();
        services.AddSingleton<GroupCommitAccessLog>();
        services.AddSingleton<IAccessLog>(sp => sp.GetRequiredService<GroupCommitAccessLog>());
        services.AddSingleton<IdempotentRequests>();
        services.AddHostedService<DatabaseMigrationService>();
        services.AddSingleton(sp => MasterKey.Resolve(
            sp.GetRequiredService<IOptions<SecretsOptions>>().Value.MasterKey,
            sp.GetRequiredService<IOptions<HubOptions>>().Value.StatePath,
            sp.GetRequiredService<HubDatabase>().Embedded is not null));
        services.AddSingleton<DataProtector>();
        services.AddSingleton<SigningKeyRing>();
        services.AddHostedService<KeyMaterialInitializer>();
        services.AddHostedService<ExpiredRowSweeper>();
    }

    private static void AddRedisOrFallbacks(IServiceCollection services, ConfigurationManager configuration)
    {
        services.AddSingleton<InProcessRateLimiter>();
        var redis = configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>();
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

        if (redis?.Enabled == true)
        {
            services.AddSingleton<RedisConnection>();
            services.AddSingleton<IHubCache, RedisHubCache>();
            services.AddSingleton<IOneTimeNonceStore, RedisNonceStore>();
            services.AddSingleton<IRateLimiter, RedisRateLimiter>();
            services.AddSingleton<IChangeNotifier, RedisChangeNotifier>();
            health.AddCheck<RedisHealthCheck>("redis");
            services.Configure<GrpcHealthChecksOptions>(o => o.Services.Map("redis", r => r.Name == "redis"));
        }
        else
        {
            services.AddSingleton<IHubCache, MemoryHubCache>();
            services.AddSingleton<IOneTimeNonceStore, PostgresNonceStore>();
            services.AddSingleton<IRateLimiter>(sp => sp.GetRequiredService<InProcessRateLimiter>());
            services.AddSingleton<IChangeNotifier, InProcessChangeNotifier>();
        }
    }

    private static void AddGrpc(IServiceCollection services)
    {
        services.AddSingleton<CallerInterceptor>();
        services.AddGrpc(o =>
        {
            o.Interceptors.Add<CallerInterceptor>();
            o.EnableDetailedErrors = false;
        }).AddJsonTranscoding(o =>
            // Error details travel as google.protobuf.Any: the JSON writer must know their types.
            o.TypeRegistry = Google.Protobuf.Reflection.TypeRegistry.FromMessages(
                Google.Rpc.ErrorInfo.Descriptor, Google.Rpc.BadRequest.Descriptor, Google.Rpc.RetryInfo.Descriptor));
        services.AddGrpcSwagger();
        services.AddSwaggerGen(o => o.SwaggerDoc("v1", new Microsoft.OpenApi.Models.OpenApiInfo
        {
            Title = "Hub — e-license and data-sharing exchange",
            Version = "v1",
            Description = "REST/JSON routes of the gRPC services (JSON transcoding). Authenticate with `Authorization: Bearer <api key>`.",
        }));
        services.AddOptions<global::Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<IOptions<HubOptions>>((o, hub) =>
        {
            o.MaxReceiveMessageSize = hub.Value.MaxMessageBytes;
            o.MaxSendMessageSize = hub.Value.MaxMessageBytes;
        });
        services.AddGrpcReflection();
    }

    private static void AddFeatures(IServiceCollection services)
    {
        services.AddSingleton<PostgresCallerStore>();
        services.AddSingleton<CallerAuthenticator>();
        services.AddSingleton<PostgresLicenseTypeStore>();
        services.AddSingleton<PostgresLicenseStore>();
        services.AddSingleton<LicenseSerials>();
        services.AddSingleton<PostgresNewLicenseWriter>();
        services.AddSingleton<LicenseLookup>();
        services.AddSingleton<NewLicenseValidator>();
        services.AddSingleton<LicenseIssuer>();
        services.AddSingleton<Hub.Server.Licenses.Import.LicenseImporter>();
        services.AddSingleton<LicenseReader>();
        services.AddSingleton<LicenseVerifier>();
        services.AddSingleton<AuditReader>();
        services.AddSingleton<PostgresMatterStore>();
        services.AddSingleton<IMatterCatalogue>(sp => sp.GetRequiredService<PostgresMatterStore>());
        services.AddSingleton<IHolderLicenseSource, HolderLicenseSource>();
        services.AddSingleton<IIdempotentRunner, IdempotentRunner>();
        services.AddSingleton<ExemptionChecker>();
        services.AddSingleton<IPresentationSigner, PresentationSigner>();
        services.AddSingleton<PresentationService>();
        services.AddSingleton<PostgresDataResourceStore>();
        services.AddSingleton<DisclosurePreview>();
        services.AddSingleton<PostgresGrantStore>();
        services.AddSingleton<GrantDesk>();
        services.AddSingleton<ProviderGateway>();
        services.AddSingleton<DataBroker>();
        services.AddSingleton<CheckpointWriter>();
        services.AddHostedService<Checkpointer>();
        services.AddHostedService<BootstrapAdminService>();
        services.AddSingleton<DemoProviderHost>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoProviderHost>());
        services.AddHostedService<DemoDataSeeder>();
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
            kestrel.Listen(address, endpoints.GrpcPort, o => o.Protocols = HttpProtocols.Http2);
            if (endpoints.TlsPort == 0)
            {
                return;
            }

            var embedded = string.IsNullOrWhiteSpace(context.Configuration.GetConnectionString("Hub"));
            var certificate = !string.IsNullOrEmpty(endpoints.CertificatePath) && !string.IsNullOrEmpty(endpoints.KeyPath)
                ? TlsCertificate.LoadConfigured(endpoints.CertificatePath, endpoints.KeyPath)
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
