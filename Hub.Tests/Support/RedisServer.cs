using Hub.Server.Infrastructure.Embedded;

[assembly: AssemblyFixture(typeof(Hub.Tests.Support.RedisServer))]

namespace Hub.Tests.Support;

/// <summary>
/// A real redis-server on a free loopback port for the test run (or the one named by HUB_TEST_REDIS). Started on
/// first use; when it cannot be started the tests that need it fail with the reason (never skip).
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly Lazy<string> _configuration;
    private RedisProcess? _process;

    public RedisServer() => _configuration = new Lazy<string>(Start);

    /// <summary>StackExchange.Redis configuration string of the running server.</summary>
    public string Configuration => _configuration.Value;

    /// <summary>A key prefix unique to one test, so tests sharing the server never see each other's keys.</summary>
    public static string PrefixFor(string testName) => $"t:{testName[..Math.Min(testName.Length, 24)]}:{Guid.NewGuid():N}:";

    public void Dispose() => _process?.Dispose();

    private string Start()
    {
        var external = Environment.GetEnvironmentVariable("HUB_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return external;
        }

        _process = new RedisProcess(LoopbackPorts.Choose(0));
        return _process.Configuration;
    }
}
