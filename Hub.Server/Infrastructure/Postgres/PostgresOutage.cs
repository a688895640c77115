using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>Tells a database outage (retry later) from a defect, for code that must not know Npgsql's exception types.</summary>
public static class PostgresOutage
{
    /// <summary>A lost or refused connection, or a timeout: the database is away, not the request wrong.</summary>
    public static bool IsOutage(Exception e) =>
        e is TimeoutException
        || (e is NpgsqlException npgsql && (npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException or TimeoutException));
}
