using System.Security.Cryptography;
using Hub.Common.V1;
using Hub.Licenses.V1;
using Hub.Tests.Support;
using Hub.Verification.V1;

namespace Hub.Tests.Server.Licenses;

/// <summary>
/// Two hub replicas on one database and one Redis: a status change on one is seen by the other's very next
/// verification, although that replica had the license's state cached.
/// </summary>
public sealed class ReplicaCacheTests(PostgresCluster postgres, RedisServer redis)
{
    [Fact]
    public async Task StatusChangeOnOneReplica_InvalidatesTheOthersCache()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redis:Configuration"] = redis.Configuration,
            ["Redis:KeyPrefix"] = RedisServer.PrefixFor(nameof(ReplicaCacheTests)),
            ["Hub:Secrets:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        await using var scenario = await LicenseScenario.CreateAsync(new HubFactory(postgres, settings));
        await using var replica = new HubFactory(scenario.Hub.ConnectionString, settings);
        var license = await scenario.IssueAsync("RC-0001");
        var verifyOnReplica = new VerificationService.VerificationServiceClient(replica.Channel(scenario.VerifierKeys[DataLevel.L2Internal]));
        var request = new VerifyLicenseRequest { Identifier = license.Identifier, Purpose = "副本缓存" };
        Assert.True((await verifyOnReplica.VerifyLicenseAsync(request)).Valid); // the replica now caches the state

        await scenario.ChangeStatusAsync(license.Identifier, LicenseStatus.Suspended); // changed through the first replica

        var after = await WaitForAsync(async () => await verifyOnReplica.VerifyLicenseAsync(request), r => !r.Valid);
        Assert.Equal("SUSPENDED", after.Reason);
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        // Pub/sub delivery is asynchronous: allow it a moment (bounded), far below the 30 s the state may be cached.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            value = await read();
        }

        return value;
    }
}
