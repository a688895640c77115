using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>Tells a database outage (retry later) from a defect, for code that must not know Npgsql's exception types.</summary>
public static class PostgresOutage
{
    /// <summary>
    /// A lost or refused connection, a timeout, no primary to write to, or a server shutting down or failing over:
    /// the database is away, not the request wrong.
    /// </summary>
    public static bool IsOutage(Exception e) => e switch
    {
        TimeoutException => true,
        PostgresException server => server.IsTransient || ServerOutageStates.Contains(server.SqlState),
        // Npgsql raises its own (non-server) exception only for the connection: refused, reset, timed out, or —
        // on a multi-host connection string during a failover — "no suitable host" while no node is primary yet.
        NpgsqlException => true,
        _ => false,
    };

    /// <summary>
    /// Server errors that mean "this node cannot take the write now", not "the write is wrong": a session that
    /// landed on a node just demoted to standby, and a node that is starting, stopping or in recovery.
    /// </summary>
    private static readonly HashSet<string> ServerOutageStates =
    [
        PostgresErrorCodes.ReadOnlySqlTransaction,
        PostgresErrorCodes.AdminShutdown,
        PostgresErrorCodes.CrashShutdown,
        PostgresErrorCodes.CannotConnectNow,
    ];
}
