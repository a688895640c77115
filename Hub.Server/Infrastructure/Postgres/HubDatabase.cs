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
            // A connection once opened stays open (the floor is the maximum), unless the operator chose a floor.
            // Npgsql closes connections idle for Connection Idle Lifetime (300 s) down to the floor; under steady
            // load the next burst then opened them again, and each new connection (authentication, cold caches)
            // stalled the calls queued for it: 130–300 ms p99 minutes in the soak (docs/reliability.md). A floor of
            // 32 was not enough once a burst had opened more.
            builder.ConnectionStringBuilder.MinPoolSize = builder.ConnectionStringBuilder.MaxPoolSize;
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
