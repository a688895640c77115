using System.Diagnostics;
using Hub.Server.Infrastructure.Embedded;
using StackExchange.Redis;

[assembly: AssemblyFixture(typeof(Hub.Tests.Support.RedisServer))]

namespace Hub.Tests.Support;

/// <summary>
/// A real redis-server on a free loopback port for the test run (or the one named by HUB_TEST_REDIS). Started on
/// first use; when it cannot be started the tests that need it fail with the reason (never skip).
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Lazy<string> _configuration;
    private Process? _process;
    private string? _directory;

    public RedisServer() => _configuration = new Lazy<string>(Start);

    /// <summary>StackExchange.Redis configuration string of the running server.</summary>
    public string Configuration => _configuration.Value;

    /// <summary>A key prefix unique to one test, so tests sharing the server never see each other's keys.</summary>
    public static string PrefixFor(string testName) => $"t:{testName[..Math.Min(testName.Length, 24)]}:{Guid.NewGuid():N}:";

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string Start()
    {
        var external = Environment.GetEnvironmentVariable("HUB_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return external;
        }

        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server); Redis tests cannot run.");
        var port = LoopbackPorts.Choose(0);
        _directory = Directory.CreateTempSubdirectory("hub-tests-redis-").FullName;
        var info = new ProcessStartInfo(binary)
        {
            ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", _directory },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        var configuration = $"127.0.0.1:{port}";
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                using var connection = ConnectionMultiplexer.Connect(configuration + ",connectTimeout=200");
                connection.GetDatabase().Ping();
                return configuration;
            }
            catch (RedisConnectionException)
            {
                Thread.Sleep(100);
            }
        }

        throw new InvalidOperationException($"redis-server did not answer on port {port}.");
    }
}
