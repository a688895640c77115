using System.Diagnostics;
using System.Globalization;
using Hub.Server.Infrastructure.Embedded;

namespace Hub.Tests.Support;

/// <summary>
/// Debian's HAProxy as the HTTP/2 load balancer in front of several hub processes, on loopback: gRPC (h2c) in on
/// one port, balanced per request (round robin) over the hubs' plaintext gRPC ports, each hub checked every 500 ms
/// (a refused connection takes it out of rotation at once), a request that could not reach a hub sent to another,
/// and the statistics page (CSV) on a second port to see where the requests went.
/// </summary>
public sealed class HaproxyProcess : IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly string _directory = Directory.CreateTempSubdirectory("hub-tests-haproxy-").FullName;
    private readonly Process _process;
    private readonly int _statsPort = LoopbackPorts.Choose(0);

    public HaproxyProcess(IReadOnlyList<int> hubPorts)
    {
        var binary = new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("haproxy is not installed; scripts/test.sh installs it (apt-get install haproxy).");
        Port = LoopbackPorts.Choose(0);
        var config = Path.Combine(_directory, "haproxy.cfg");
        File.WriteAllText(config, Config(hubPorts));
        var (exit, output) = ProcessRunner.Run(binary, ["-c", "-f", config], false, TimeSpan.FromSeconds(10));
        Assert.True(exit == 0, "haproxy refused its configuration: " + output);
        var info = new ProcessStartInfo(binary) { ArgumentList = { "-db", "-f", config }, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var watch = Stopwatch.StartNew();
        while (Servers().Count(s => s.Up) < hubPorts.Count)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), "haproxy did not see every hub up within 15 s");
            Thread.Sleep(100);
        }
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Each hub as HAProxy sees it: whether it is in rotation, and how many requests it was sent in all.</summary>
    public IReadOnlyList<Server> Servers()
    {
        string csv;
        try
        {
            csv = Http.GetStringAsync($"http://127.0.0.1:{_statsPort.ToString(CultureInfo.InvariantCulture)}/stats;csv").Result;
        }
        catch (AggregateException)
        {
            return [];
        }

        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].TrimStart('#', ' ').Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        return [.. lines.Skip(1).Select(l => l.Split(','))
            .Where(f => f[Column("pxname")] == "hubs" && f[Column("svname")] is not ("BACKEND" or "FRONTEND"))
            .Select(f => new Server(f[Column("svname")], f[Column("status")].StartsWith("UP", StringComparison.Ordinal), long.Parse(f[Column("stot")], CultureInfo.InvariantCulture)))];
    }

    public void Dispose()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    // retry-on conn-failure only: a request that never reached a hub is safe to send to another; one that did may
    // have been carried out, and is for the client to retry (with its request_id).
    private string Config(IReadOnlyList<int> hubPorts) => string.Create(CultureInfo.InvariantCulture, $"""
        global
          maxconn 4096
        defaults
          mode http
          timeout connect 1s
          timeout client 60s
          timeout server 60s
          timeout check 1s
          retries 2
          option redispatch
        frontend grpc
          bind 127.0.0.1:{Port} proto h2
          default_backend hubs
        frontend stats
          bind 127.0.0.1:{_statsPort}
          stats enable
          stats uri /stats
        backend hubs
          balance roundrobin
          retry-on conn-failure
        {string.Join('\n', hubPorts.Select((port, i) => $"  server hub{i + 1} 127.0.0.1:{port} proto h2 check inter 500 fall 1 rise 2"))}

        """);

    public sealed record Server(string Name, bool Up, long Requests);
}
