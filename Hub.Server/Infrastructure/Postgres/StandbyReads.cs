using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// Where reads that may be a moment stale go: a standby when the connection string names several hosts (a Patroni
/// cluster), else the primary. Only pages a person reads — the access log's listings and a holder's history — use it:
/// they may miss the last few milliseconds of writes (replication apply lag), never an answer that decides
/// anything. Checkpoints, proofs, nonces and everything a write depends on stay on the primary.
/// </summary>
public sealed class StandbyReads
{
    /// <summary>How the standby connections name themselves in <c>pg_stat_activity</c>.</summary>
    public const string ApplicationName = "hub-standby-reads";

    private StandbyReads(NpgsqlDataSource dataSource, bool onStandby)
    {
        DataSource = dataSource;
        OnStandby = onStandby;
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Whether these reads prefer a standby (several hosts) or share the primary's pool (one host).</summary>
    public bool OnStandby { get; }

    /// <summary>A data source of its own preferring a standby (falling back to the primary) for a multi-host string.</summary>
    public static StandbyReads For(NpgsqlDataSource primary, string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (builder.ConnectionStringBuilder.Host?.Contains(',', StringComparison.Ordinal) != true)
        {
            return new StandbyReads(primary, onStandby: false);
        }

        builder.ConnectionStringBuilder.TargetSessionAttributes = "prefer-standby";
        builder.ConnectionStringBuilder.ApplicationName = ApplicationName;
        return new StandbyReads(builder.Build(), onStandby: true);
    }
}
