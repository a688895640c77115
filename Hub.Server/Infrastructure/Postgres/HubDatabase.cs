using Hub.Server.Infrastructure.Embedded;
using Hub.Server.Infrastructure.Hosting;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// The hub's one PostgreSQL database: the configured <c>ConnectionStrings:Hub</c>, or else the embedded cluster
/// provisioned under the state folder. Owns the single <see cref="NpgsqlDataSource"/>; disposing it stops the
/// embedded cluster.
/// </summary>
public sealed class HubDatabase : IAsyncDisposable
{
    private HubDatabase(NpgsqlDataSource dataSource, EmbeddedPostgres? embedded)
    {
        DataSource = dataSource;
        Embedded = embedded;
    }

    public NpgsqlDataSource DataSource { get; }

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
        return new HubDatabase(builder.Build(), cluster);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DataSource.DisposeAsync();
        }
        finally
        {
            Embedded?.Stop();
        }
    }
}
