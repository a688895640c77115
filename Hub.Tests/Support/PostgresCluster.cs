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

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public string CreateDatabase() => _cluster.Value.CreateDatabase("t_" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (_cluster.IsValueCreated)
        {
            _cluster.Value.Destroy(_stateDirectory);
        }

        Directory.Delete(_stateDirectory, recursive: true);
    }
}
