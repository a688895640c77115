using Hub.Server.Infrastructure.Hosting;

namespace Hub.Server.Audit;

/// <summary>The audit feature's composition root: the log's readers, and the checkpointer that signs the tree.</summary>
public static class AuditServices
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddValidatedOptions<AuditOptions, AuditOptionsValidator>(AuditOptions.SectionName);
        services.AddSingleton<IAuditStore, PostgresAuditStore>();
        services.AddSingleton<ICheckpointStore, PostgresCheckpointStore>();
        services.AddSingleton<AuditReader>();
        services.AddHttpClient(WitnessSubmitter.HttpClientName);
        services.AddSingleton<WitnessStatus>();
        services.AddSingleton<WitnessSubmitter>();
        services.AddSingleton<CheckpointWriter>();
        services.AddHostedService<Checkpointer>();
        return services;
    }
}
