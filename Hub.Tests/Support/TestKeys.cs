using System.Security.Cryptography;
using Hub.Server.Infrastructure.Secrets;

namespace Hub.Tests.Support;

/// <summary>Key material for tests that use the hub's stores directly, outside a running hub.</summary>
public static class TestKeys
{
    public static DataProtector Protector()
    {
        var protector = new DataProtector();
        protector.Load(new Dictionary<short, byte[]> { [1] = RandomNumberGenerator.GetBytes(32) }, RandomNumberGenerator.GetBytes(32));
        return protector;
    }
}
