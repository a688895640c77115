using Hub.Server.Infrastructure.Embedded;
using Hub.Server.Infrastructure.Hosting;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// The hub's one PostgreSQL database: the configured <c>ConnectionStrings:Hub</c>, or else the embedded cluster
/// provisioned under the state folder. Owns the <see cref="NpgsqlDataSource"/> (and, on a multi-host connection
/// string, the one for <see cref="StandbyReads"/>); disposing it stops the embedded cluster.
/// </summary>
public sealed class HubDatabase : IAsyncDisposable
{
    private HubDatabase(NpgsqlDataSource dataSource, StandbyReads standbyReads, EmbeddedPostgres? embedded)
    {
        DataSource = dataSource;
        StandbyReads = standbyReads;
        Embedded = embedded;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Where reads that may be a moment stale go (a standby of a Patroni cluster, else the primary).</summary>
    public StandbyReads StandbyReads { get; }

    /// <summary>The embedded cluster, when the hub runs on its embedded default.</summary>
    public EmbeddedPostgres? Embedded { get; }

    /// <summary>
    /// The pool's floor unless the connection string sets <c>Minimum Pool Size</c>. Npgsql closes connections idle
    /// for <c>Connection Idle Lifetime</c> (300 s) down to the floor; under steady load the pool then had to open them
    /// again within one second, and each new connection (TLS or not, authentication, a cold plan cache) stalled the
    /// calls waiting for it — the 200–300 ms p99 steps at the soak's 300-second marks (docs/reliability.md).
    /// </summary>
    public const int WarmConnections = 32;

    public static HubDatabase Open(string? connectionString, HubOptions hub, EmbeddedOptions embedded)
    {
        EmbeddedPostgres? cluster = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            cluster = EmbeddedPostgres.Start(new EmbeddedPostgresSettings
            {
                StateDirectory = hub.StatePath,
                BinDirectory = embedded.PostgresBinDirectory,
                PreferredPort = embedded.PreferredPort,
            });
            connectionString = cluster.ConnectionString;
        }

        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxAutoPrepare = Math.Max(builder.ConnectionStringBuilder.MaxAutoPrepare, 64);
        builder.ConnectionStringBuilder.ApplicationName ??= "hub";
        if (!Sets(connectionString, "Minimum Pool Size", "MinPoolSize"))
        {
            builder.ConnectionStringBuilder.MinPoolSize = Math.Min(WarmConnections, builder.ConnectionStringBuilder.MaxPoolSize);
        }
        var primary = builder.Build();
        return new HubDatabase(primary, StandbyReads.For(primary, connectionString), cluster);
    }

    /// <summary>Whether the connection string itself names one of these keywords (Npgsql's builder knows every keyword, set or not).</summary>
    internal static bool Sets(string connectionString, params string[] keywords)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return keywords.Any(given.ContainsKey);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (StandbyReads.OnStandby)
            {
                await StandbyReads.DataSource.DisposeAsync();
            }

            await DataSource.DisposeAsync();
        }
        finally
        {
            Embedded?.Stop();
        }
    }
}
