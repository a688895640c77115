using Hub.Server.Infrastructure.Embedded;

[assembly: AssemblyFixture(typeof(Hub.Tests.Support.PostgresCluster))]

namespace Hub.Tests.Support;

/// <summary>
/// One throwaway PostgreSQL cluster for the whole test run, provisioned by the hub's own embedded provisioner
/// (fsync off); each test gets a fresh database in it. If the cluster cannot start, the tests that need it fail.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private readonly Lazy<EmbeddedPostgres> _cluster;
    private readonly string _stateDirectory = Directory.CreateTempSubdirectory("hub-tests-pg-").FullName;

    public PostgresCluster()
    {
        _cluster = new Lazy<EmbeddedPostgres>(() => EmbeddedPostgres.Start(new EmbeddedPostgresSettings
        {
            StateDirectory = _stateDirectory,
            PreferredPort = 0,
            Durable = false,
        }));
    }

    /// <summary>The cluster's superuser on its <c>postgres</c> database: for tests that set up roles as an operator would.</summary>
    public string SuperuserConnectionString => _cluster.Value.ConnectionString;

    /// <summary>The folder of psql, initdb and pg_ctl this cluster runs from.</summary>
    public static string BinDirectory => EmbeddedPostgres.FindBinDirectory(null);

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public string CreateDatabase() => _cluster.Value.CreateDatabase("t_" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// A byte-for-byte copy of a database (CREATE DATABASE … TEMPLATE), as an insider would take one: its sessions are
    /// ended first, since PostgreSQL copies only a database nobody is connected to. Returns the copy's connection string.
    /// </summary>
    public string CopyDatabase(string connectionString)
    {
        var source = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var copy = "t_" + Guid.NewGuid().ToString("N");
        Npgsql.NpgsqlConnection.ClearAllPools();
        using var connection = new Npgsql.NpgsqlConnection(_cluster.Value.ConnectionString);
        connection.Open();
        using (var end = new Npgsql.NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = @name AND pid <> pg_backend_pid()", connection))
        {
            end.Parameters.AddWithValue("name", source.Database!);
            end.ExecuteNonQuery();
        }

        using (var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{copy}\" TEMPLATE \"{source.Database}\"", connection))
        {
            create.ExecuteNonQuery();
        }

        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Database = copy }.ConnectionString;
    }

    public void Dispose()
    {
        if (_cluster.IsValueCreated)
        {
            _cluster.Value.Destroy(_stateDirectory);
        }

        Directory.Delete(_stateDirectory, recursive: true);
    }
}
