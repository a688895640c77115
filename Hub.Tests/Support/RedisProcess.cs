using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace Hub.Tests.Support;

/// <summary>
/// One redis-server process on a loopback port, without persistence (a restart comes back empty, as a cache does):
/// started, killed with SIGKILL and started again on the same port by the tests that need a Redis of their own.
/// </summary>
public sealed class RedisProcess : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hub-tests-redis-").FullName;
    private Process? _process;

    public RedisProcess(int port)
    {
        Port = port;
        Start();
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string of the server.</summary>
    public string Configuration => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts redis-server (again) and waits until it answers PING.</summary>
    public void Start()
    {
        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server); Redis tests cannot run.");
        var info = new ProcessStartInfo(binary)
        {
            ArgumentList = { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", _directory },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                using var connection = ConnectionMultiplexer.Connect(Configuration + ",connectTimeout=200");
                connection.GetDatabase().Ping();
                return;
            }
            catch (RedisConnectionException)
            {
                Thread.Sleep(100);
            }
        }

        throw new InvalidOperationException($"redis-server did not answer on port {Port}.");
    }

    /// <summary>SIGKILL: connections drop at once and everything held in memory is gone.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary><c>CLIENT PAUSE … ALL</c>: Redis keeps its connections but answers no client for <paramref name="duration"/>.</summary>
    public void Pause(TimeSpan duration)
    {
        using var connection = ConnectionMultiplexer.Connect(Configuration + ",allowAdmin=true");
        connection.GetDatabase().Execute("CLIENT", "PAUSE", ((long)duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), "ALL");
    }

    /// <summary>How many subscriptions Redis holds on channels whose name ends with <paramref name="suffix"/> (PUBSUB NUMSUB).</summary>
    public long SubscribersEndingWith(string suffix)
    {
        using var connection = ConnectionMultiplexer.Connect(Configuration);
        var database = connection.GetDatabase();
        var channels = (RedisResult[])database.Execute("PUBSUB", "CHANNELS", "*" + suffix)!;
        if (channels.Length == 0)
        {
            return 0;
        }

        var counts = (RedisResult[])database.Execute("PUBSUB", ["NUMSUB", .. channels.Select(c => (object)(string)c!)])!;
        return Enumerable.Range(0, counts.Length / 2).Sum(i => (long)counts[(2 * i) + 1]);
    }

    public void Dispose()
    {
        Kill();
        Directory.Delete(_directory, recursive: true);
    }
}
