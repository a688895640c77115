using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hub.Server.Infrastructure.Embedded;
using Npgsql;

namespace Hub.Tests.Support;

/// <summary>
/// A PostgreSQL high-availability cluster on loopback, run as an operator would: one etcd and three Patroni nodes
/// (Debian's <c>etcd-server</c> and <c>patroni</c>, which scripts/test.sh installs) in synchronous mode with
/// <c>synchronous_mode_strict</c>, so a commit is acknowledged only once a standby has it. A node is killed as a
/// machine dies (SIGKILL to Patroni and to its postmaster) and may be started again, to rejoin as a standby.
/// </summary>
public sealed class PatroniCluster : IDisposable
{
    public const string Password = "patroni-test-secret";
    private const string Scope = "hubtest";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly string _root;
    private readonly int _etcdPort = LoopbackPorts.Choose(0);
    private readonly Node[] _nodes;
    private Process? _etcd;

    public PatroniCluster(int nodes = 3)
    {
        _root = Path.Combine(Path.GetTempPath(), "hub-tests-patroni-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_root);
        _nodes = [.. Enumerable.Range(1, nodes).Select(i => new Node($"pg{i}", LoopbackPorts.Choose(0), LoopbackPorts.Choose(0)))];
        foreach (var node in _nodes)
        {
            File.WriteAllText(ConfigFile(node), Config(node));
        }

        if (ProcessRunner.RunningAsRoot)
        {
            // PostgreSQL refuses to run as root: Patroni and its PostgreSQL run as postgres, who must own the folder.
            var (exit, output) = ProcessRunner.Run("chown", ["-R", "postgres:postgres", _root], false, TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, output);
        }

        var etcdPeerPort = LoopbackPorts.Choose(0);
        _etcd = Launch("/usr/bin/etcd", [
            "--name", "e1", "--data-dir", Path.Combine(_root, "etcd"),
            "--listen-client-urls", $"http://127.0.0.1:{_etcdPort}", "--advertise-client-urls", $"http://127.0.0.1:{_etcdPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{etcdPeerPort}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{etcdPeerPort}",
            "--initial-cluster", $"e1=http://127.0.0.1:{etcdPeerPort}"], asPostgres: false, Path.Combine(_root, "etcd.log"));

        // The first node bootstraps the cluster; the others join as standbys (a base backup each).
        Start(_nodes[0].Name);
        WaitFor(members => members.Any(m => m.Role == "leader" && m.State == "running"), TimeSpan.FromSeconds(90), "a leader");
        foreach (var node in _nodes.Skip(1))
        {
            Start(node.Name);
        }

        WaitForHealthy(TimeSpan.FromSeconds(120));
    }

    /// <summary>The multi-host connection string an operator gives the hub: it follows the primary wherever it is.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = string.Join(',', _nodes.Select(n => $"127.0.0.1:{n.PostgresPort}")),
        Username = "postgres",
        Password = Password,
        Database = database,
        TargetSessionAttributes = "read-write",
        HostRecheckSeconds = 1,
        Timeout = 2,
    }.ConnectionString;

    /// <summary>One node only, whatever its role: to look at a standby from inside.</summary>
    public string NodeConnectionString(string name, string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _nodes.Single(n => n.Name == name).PostgresPort,
        Username = "postgres",
        Password = Password,
        Database = database,
        Timeout = 2,
    }.ConnectionString;

    public IReadOnlyList<string> NodeNames => [.. _nodes.Select(n => n.Name)];

    /// <summary>Creates a database on the primary (replicated to the standbys like everything else).</summary>
    public string CreateDatabase(string name)
    {
        using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return ConnectionString(name);
    }

    /// <summary>The members as Patroni's REST API reports them (name, role, state, timeline).</summary>
    public IReadOnlyList<Member> Members()
    {
        foreach (var node in _nodes.Where(n => n.Patroni is { HasExited: false }))
        {
            try
            {
                using var document = JsonDocument.Parse(Http.GetStringAsync($"http://127.0.0.1:{node.ApiPort}/cluster").Result);
                return [.. document.RootElement.GetProperty("members").EnumerateArray().Select(m => new Member(
                    m.GetProperty("name").GetString()!,
                    m.GetProperty("role").GetString()!,
                    m.GetProperty("state").GetString()!,
                    m.TryGetProperty("timeline", out var timeline) ? timeline.GetInt32() : 0))];
            }
            catch (Exception e) when (e is HttpRequestException or AggregateException or TaskCanceledException or JsonException)
            {
                // That node's API is not answering: ask the next.
            }
        }

        return [];
    }

    public string Leader => Members().Single(m => m.Role == "leader").Name;

    /// <summary>Waits for a running leader and a running synchronous standby (every node running, if all are up).</summary>
    public void WaitForHealthy(TimeSpan within) => WaitFor(
        members => members.Any(m => m.Role == "leader" && m.State == "running")
            && members.Any(m => m.Role == "sync_standby" && m.State is "running" or "streaming")
            && members.Count(m => m.State is "running" or "streaming") == _nodes.Count(n => n.Patroni is { HasExited: false }),
        within,
        "a leader and a synchronous standby");

    public void WaitFor(Func<IReadOnlyList<Member>, bool> condition, TimeSpan within, string what)
    {
        var watch = Stopwatch.StartNew();
        IReadOnlyList<Member> members = [];
        while (watch.Elapsed < within)
        {
            members = Members();
            if (condition(members))
            {
                return;
            }

            Thread.Sleep(250);
        }

        throw new TimeoutException($"the Patroni cluster had no {what} within {within.TotalSeconds:0} s: " +
            string.Join(", ", members.Select(m => $"{m.Name} {m.Role} {m.State}")) + "\n" +
            string.Join("\n", members.Where(m => m.State is not ("running" or "streaming")).Select(m => m.Name + ":\n" + Tail(Path.Combine(_root, m.Name + ".log")))));
    }

    /// <summary>The node dies as a machine does: SIGKILL to Patroni and to its postmaster, nothing shut down.</summary>
    public void Kill(string name)
    {
        var node = _nodes.Single(n => n.Name == name);
        var postmaster = File.ReadLines(Path.Combine(_root, name, "postmaster.pid")).First();
        node.Patroni?.Kill(entireProcessTree: true);
        node.Patroni?.WaitForExit(10_000);
        node.Patroni = null;

        // As a machine dies: the postmaster and every backend at once. Killing only the postmaster would leave its
        // backends running for a while, holding the shared memory the node's restart needs.
        var pid = postmaster.Trim();
        _ = ProcessRunner.Run("kill", ["-STOP", pid], false, TimeSpan.FromSeconds(10));
        var (_, children) = ProcessRunner.Run("pgrep", ["-P", pid], false, TimeSpan.FromSeconds(10));
        var backends = children.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        _ = ProcessRunner.Run("kill", ["-9", pid, .. backends], false, TimeSpan.FromSeconds(10));
        var gone = Stopwatch.StartNew();
        while (backends.Prepend(pid).Any(Alive) && gone.Elapsed < TimeSpan.FromSeconds(10))
        {
            Thread.Sleep(50);
        }
    }

    /// <summary>Starts (or starts again) a node's Patroni, which starts its PostgreSQL.</summary>
    public void Start(string name)
    {
        var node = _nodes.Single(n => n.Name == name);
        node.Patroni = Launch("/usr/bin/patroni", [ConfigFile(node)], asPostgres: true, Path.Combine(_root, name + ".log"));
    }

    public void Dispose()
    {
        foreach (var node in _nodes.Where(n => n.Patroni is not null))
        {
            var pid = Path.Combine(_root, node.Name, "postmaster.pid");
            var postmaster = File.Exists(pid) ? File.ReadLines(pid).FirstOrDefault() : null;
            node.Patroni!.Kill(entireProcessTree: true);
            node.Patroni.WaitForExit(10_000);
            if (postmaster is not null)
            {
                _ = ProcessRunner.Run("kill", ["-9", postmaster.Trim()], false, TimeSpan.FromSeconds(10));
            }
        }

        _etcd?.Kill(entireProcessTree: true);
        _etcd?.WaitForExit(10_000);
        Thread.Sleep(500);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A postmaster's last files may still be going away; the temporary folder is cleaned with the machine.
        }
    }

    /// <summary>Whether a process still runs (a zombie waiting to be reaped holds nothing).</summary>
    private static bool Alive(string pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/status").Contains("State:\tZ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static Process Launch(string binary, IReadOnlyList<string> arguments, bool asPostgres, string logFile)
    {
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} is not installed; scripts/test.sh installs it (apt-get install patroni etcd-server).");
        }

        var info = new ProcessStartInfo(asPostgres && ProcessRunner.RunningAsRoot ? "/usr/sbin/runuser" : binary)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (asPostgres && ProcessRunner.RunningAsRoot)
        {
            foreach (var argument in (string[])["-u", "postgres", "--", binary])
            {
                info.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static string Tail(string file) => File.Exists(file) ? string.Join('\n', File.ReadLines(file).Where(l => !l.StartsWith("  ", StringComparison.Ordinal)).TakeLast(25)) : string.Empty;

    private string ConfigFile(Node node) => Path.Combine(_root, node.Name + ".yml");

    // ttl 10 s, loop 1 s: a dead primary's leader key expires, and a synchronous standby is promoted, about 10 s later.
    private string Config(Node node) => string.Create(CultureInfo.InvariantCulture, $$"""
        scope: {{Scope}}
        name: {{node.Name}}
        restapi:
          listen: 127.0.0.1:{{node.ApiPort}}
          connect_address: 127.0.0.1:{{node.ApiPort}}
        etcd3:
          hosts: 127.0.0.1:{{_etcdPort}}
        bootstrap:
          dcs:
            ttl: 10
            loop_wait: 1
            retry_timeout: 3
            maximum_lag_on_failover: 1048576
            synchronous_mode: true
            synchronous_mode_strict: true
            postgresql:
              use_pg_rewind: true
              parameters:
                max_connections: 200
                wal_log_hints: "on"
                fsync: "on"
          initdb:
          - encoding: UTF8
          - auth: scram-sha-256
          pg_hba:
          - local all all trust
          - host replication replicator 127.0.0.1/32 scram-sha-256
          - host all all 127.0.0.1/32 scram-sha-256
        postgresql:
          listen: 127.0.0.1:{{node.PostgresPort}}
          connect_address: 127.0.0.1:{{node.PostgresPort}}
          data_dir: {{Path.Combine(_root, node.Name)}}
          bin_dir: {{PostgresCluster.BinDirectory}}
          pgpass: {{Path.Combine(_root, node.Name + ".pgpass")}}
          authentication:
            superuser: {username: postgres, password: {{Password}}}
            replication: {username: replicator, password: {{Password}}}
            rewind: {username: rewinder, password: {{Password}}}
        """);

    public sealed record Member(string Name, string Role, string State, int Timeline);

    private sealed class Node(string name, int postgresPort, int apiPort)
    {
        public string Name { get; } = name;

        public int PostgresPort { get; } = postgresPort;

        public int ApiPort { get; } = apiPort;

        public Process? Patroni { get; set; }
    }
}
