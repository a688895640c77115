using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace Hub.Server.Infrastructure.Embedded;

/// <summary>
/// A private PostgreSQL cluster provisioned with the machine's <c>initdb</c>/<c>pg_ctl</c>: created on first use,
/// reused (data kept) on later starts, listening on loopback only, stopped on dispose.
/// </summary>
/// <remarks>
/// As root, PostgreSQL must run as <c>postgres</c>, which may not be able to enter the state folder's parents, so the
/// cluster lives in <c>/var/lib/hub/&lt;hash of the state folder&gt;</c> owned by that user and the state folder
/// records where (<c>postgres.json</c>).
/// </remarks>
public sealed class EmbeddedPostgres : IDisposable
{
    private const string RecordFile = "postgres.json";
    private const string PasswordFile = "postgres-password";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(90);

    private readonly string _binDirectory;
    private bool _stopped;

    private EmbeddedPostgres(string binDirectory, string clusterRoot, int port, string connectionString)
    {
        _binDirectory = binDirectory;
        ClusterRoot = clusterRoot;
        Port = port;
        ConnectionString = connectionString;
    }

    /// <summary>Folder holding the cluster (<c>data/</c>), its socket and its server log.</summary>
    public string ClusterRoot { get; }

    public string DataDirectory => Path.Combine(ClusterRoot, "data");

    public int Port { get; }

    public string ConnectionString { get; }

    /// <summary>Creates the cluster if needed, starts it on a free loopback port and makes sure the database exists.</summary>
    public static EmbeddedPostgres Start(EmbeddedPostgresSettings settings)
    {
        var state = Path.GetFullPath(settings.StateDirectory);
        Directory.CreateDirectory(state);
        var bin = FindBinDirectory(settings.BinDirectory);
        var record = ReadRecord(state);
        var root = record?.ClusterRoot ?? ChooseClusterRoot(state);
        if (!File.Exists(Path.Combine(state, PasswordFile)) && File.Exists(Path.Combine(root, "data", "PG_VERSION")))
        {
            // The state folder was deleted to start afresh, but the cluster it owned (kept outside it when running as
            // root) was not. Its password and master key went with the folder, so it can never be opened again.
            StopIfRunning(bin, Path.Combine(root, "data"));
            Directory.Delete(root, recursive: true);
        }

        PrepareOwnedDirectory(root);

        var password = PrivateFiles.ReadOrCreateSecret(Path.Combine(state, PasswordFile));
        var data = Path.Combine(root, "data");
        if (!File.Exists(Path.Combine(data, "PG_VERSION")))
        {
            InitializeCluster(bin, root, data, password);
        }

        StopIfRunning(bin, data);
        var port = LoopbackPorts.Choose(record?.Port ?? settings.PreferredPort);
        StartServer(bin, root, data, port, settings.Durable);
        WriteRecord(state, new ClusterRecord(root, port));

        var connectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Password = password,
            Database = settings.DatabaseName,
        }.ConnectionString;
        var cluster = new EmbeddedPostgres(bin, root, port, connectionString);
        try
        {
            cluster.EnsureDatabase(settings.DatabaseName);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }

        return cluster;
    }

    /// <summary>Creates an empty database in this cluster (for tests that want one database each).</summary>
    public string CreateDatabase(string name)
    {
        EnsureDatabase(name);
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the server (fast shutdown); the data stays for the next start.</summary>
    public void Stop()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        NpgsqlConnection.ClearAllPools();
        var (exit, output) = ProcessRunner.Run(Tool(_binDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], true, ToolTimeout);
        if (exit != 0 && IsRunning(_binDirectory, DataDirectory))
        {
            throw new InvalidOperationException($"pg_ctl stop failed: {output}");
        }
    }

    /// <summary>Stops the server and deletes the cluster and the record of it (throwaway test clusters).</summary>
    public void Destroy(string stateDirectory)
    {
        Stop();
        Directory.Delete(ClusterRoot, recursive: true);
        File.Delete(Path.Combine(stateDirectory, RecordFile));
    }

    public void Dispose() => Stop();

    public static bool IsRunning(string binDirectory, string dataDirectory) =>
        ProcessRunner.Run(Tool(binDirectory, "pg_ctl"), ["-D", dataDirectory, "status"], true, ToolTimeout).ExitCode == 0;

    internal static string FindBinDirectory(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new InvalidOperationException($"Hub:Embedded:PostgresBinDirectory '{configured}' holds no initdb.");
        }

        // Debian keeps each major version under /usr/lib/postgresql/<major>/bin; prefer the newest.
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Major: int.TryParse(Path.GetFileName(d), out var m) ? m : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Major)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
        return debian ?? onPath ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries (initdb, pg_ctl) were found. Install them (Debian: apt-get install postgresql) "
            + "or set ConnectionStrings:Hub to an existing database.");
    }

    private static string Tool(string bin, string name) => Path.Combine(bin, name);

    private static string ChooseClusterRoot(string state)
    {
        if (!ProcessRunner.RunningAsRoot)
        {
            return Path.Combine(state, "postgres");
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(state)))[..16];
        return Path.Combine("/var/lib/hub", hash);
    }

    private static void PrepareOwnedDirectory(string root)
    {
        Directory.CreateDirectory(root);
        if (!ProcessRunner.RunningAsRoot)
        {
            return;
        }

        var parent = Path.GetDirectoryName(root)!;
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var (exit, output) = ProcessRunner.Run("chown", ["-R", "postgres:postgres", root], false, ToolTimeout);
        if (exit != 0)
        {
            throw new InvalidOperationException($"could not give {root} to the postgres user: {output}");
        }

        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static void InitializeCluster(string bin, string root, string data, string password)
    {
        // initdb reads the superuser password from a file the postgres user can read; it is removed right after.
        var passwordFile = Path.Combine(root, ".initdb-password");
        File.WriteAllText(passwordFile, password);
        File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (ProcessRunner.RunningAsRoot)
        {
            ProcessRunner.Run("chown", ["postgres:postgres", passwordFile], false, ToolTimeout);
        }

        try
        {
            var (exit, output) = ProcessRunner.Run(
                Tool(bin, "initdb"),
                ["-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile", passwordFile,
                 "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                true,
                ToolTimeout);
            if (exit != 0)
            {
                throw new InvalidOperationException($"initdb failed: {output}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static void StopIfRunning(string bin, string data)
    {
        // A hub that was killed leaves its cluster running; stop it so this start owns the port and the settings.
        if (IsRunning(bin, data))
        {
            NpgsqlConnection.ClearAllPools();
            ProcessRunner.Run(Tool(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"], true, ToolTimeout);
        }
    }

    private static void StartServer(string bin, string root, string data, int port, bool durable)
    {
        var options = string.Create(CultureInfo.InvariantCulture, $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200");
        if (!durable)
        {
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        }

        var (exit, output) = ProcessRunner.Run(
            Tool(bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "-o", options, "start"],
            true,
            ToolTimeout);
        if (exit != 0)
        {
            var log = Path.Combine(root, "server.log");
            var tail = File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(15)) : string.Empty;
            throw new InvalidOperationException($"pg_ctl start failed on port {port}: {output}\n{tail}");
        }
    }

    private void EnsureDatabase(string name)
    {
        var admin = new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString;
        using var connection = new NpgsqlConnection(admin);
        connection.Open();
        using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", name);
        if (exists.ExecuteScalar() is not null)
        {
            return;
        }

        // Identifiers cannot be parameters; the name is quoted and comes from configuration or tests, never a request.
        using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        create.ExecuteNonQuery();
    }

    private static ClusterRecord? ReadRecord(string state)
    {
        var path = Path.Combine(state, RecordFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<ClusterRecord>(File.ReadAllText(path)) : null;
    }

    private static void WriteRecord(string state, ClusterRecord record) =>
        File.WriteAllText(Path.Combine(state, RecordFile), JsonSerializer.Serialize(record));

    private sealed record ClusterRecord(string ClusterRoot, int Port);
}
