using System.Net;
using System.Net.Sockets;
using Dapper;
using Hub.Server.Infrastructure.Embedded;
using Npgsql;

namespace Hub.Tests.Server.Infrastructure;

/// <summary>The provisioner the hub's embedded default uses, on clusters of its own (each test provisions one).</summary>
public sealed class EmbeddedPostgresTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("hub-tests-embedded-").FullName;

    [Fact]
    public async Task Start_Fresh_CreatesClusterAndDatabaseOnLoopback()
    {
        using var cluster = EmbeddedPostgres.Start(Settings());

        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal("hub", await connection.ExecuteScalarAsync<string>("SELECT current_database()"));
        Assert.Equal("127.0.0.1", await connection.ExecuteScalarAsync<string>("SHOW listen_addresses"));
        Assert.True(File.Exists(Path.Combine(_state, "postgres.json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_state, "postgres-password")));
    }

    [Fact]
    public async Task Start_AfterStop_KeepsTheData()
    {
        using (var first = EmbeddedPostgres.Start(Settings()))
        {
            await using var connection = new NpgsqlConnection(first.ConnectionString);
            await connection.ExecuteAsync("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");
            first.Stop();
            Assert.False(EmbeddedPostgres.IsRunning(EmbeddedPostgres.FindBinDirectory(null), first.DataDirectory));
        }

        using var second = EmbeddedPostgres.Start(Settings());
        await using var again = new NpgsqlConnection(second.ConnectionString);
        Assert.Equal("still here", await again.ExecuteScalarAsync<string>("SELECT v FROM kept"));
    }

    [Fact]
    public async Task Start_PreferredPortInUse_ChoosesAnotherPort()
    {
        using var occupier = new TcpListener(IPAddress.Loopback, 0);
        occupier.Start();
        var taken = ((IPEndPoint)occupier.LocalEndpoint).Port;

        using var cluster = EmbeddedPostgres.Start(Settings() with { PreferredPort = taken });

        Assert.NotEqual(taken, cluster.Port);
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT 1"));
    }

    [Fact]
    public async Task Start_WhileAPreviousClusterWasLeftRunning_TakesItOver()
    {
        // A hub killed without shutdown leaves its cluster running; the next start must still work.
        var abandoned = EmbeddedPostgres.Start(Settings());
        await using (var connection = new NpgsqlConnection(abandoned.ConnectionString))
        {
            await connection.ExecuteAsync("CREATE TABLE survived (v int); INSERT INTO survived VALUES (7)");
        }

        using var cluster = EmbeddedPostgres.Start(Settings());

        await using var again = new NpgsqlConnection(cluster.ConnectionString);
        Assert.Equal(7, await again.ExecuteScalarAsync<int>("SELECT v FROM survived"));
    }

    public void Dispose()
    {
        var record = Path.Combine(_state, "postgres.json");
        if (File.Exists(record))
        {
            var root = System.Text.Json.JsonDocument.Parse(File.ReadAllText(record)).RootElement.GetProperty("ClusterRoot").GetString()!;
            var bin = EmbeddedPostgres.FindBinDirectory(null);
            if (EmbeddedPostgres.IsRunning(bin, Path.Combine(root, "data")))
            {
                ProcessStop(bin, Path.Combine(root, "data"));
            }

            Directory.Delete(root, recursive: true);
        }

        Directory.Delete(_state, recursive: true);
    }

    private static void ProcessStop(string bin, string data)
    {
        var asRoot = Environment.IsPrivilegedProcess;
        using var process = System.Diagnostics.Process.Start(asRoot ? "runuser" : Path.Combine(bin, "pg_ctl"), asRoot
            ? ["-u", "postgres", "--", Path.Combine(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"]
            : ["-D", data, "-m", "immediate", "-w", "stop"]);
        process.WaitForExit();
    }

    private EmbeddedPostgresSettings Settings() => new() { StateDirectory = _state, PreferredPort = 0, Durable = false };
}
