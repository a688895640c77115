using Hub.Common.V1;
using Hub.Tests.Support;
using Hub.Verification.V1;

namespace Hub.Tests.Server.Licenses;

/// <summary>
/// <c>Hub:Signing:Engine</c>: seals made by a hub on one SM2 engine verify on a hub running the other, over the same
/// database — the engines are interchangeable, and switching back to the reference is a configuration change.
/// </summary>
public sealed class SigningEngineTests(PostgresCluster postgres)
{
    [Theory]
    [InlineData("BouncyCastle", "Managed")]
    [InlineData("Managed", "BouncyCastle")]
    public async Task SealsMadeOnOneEngine_VerifyOnTheOther(string sealing, string verifying)
    {
        var database = postgres.CreateDatabase();
        var masterKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var first = await LicenseScenario.CreateAsync(new HubFactory(database, new Dictionary<string, string?>
        {
            ["Hub:Secrets:MasterKey"] = masterKey,
            ["Hub:Signing:Engine"] = sealing,
        }));
        var license = await first.IssueAsync("ENGINE-1");
        var verifierKey = first.VerifierKeys[DataLevel.L2Internal];

        await using var second = new HubFactory(database, new Dictionary<string, string?>
        {
            ["Hub:Secrets:MasterKey"] = masterKey,
            ["Hub:Signing:Engine"] = verifying,
        });
        var answer = await new VerificationService.VerificationServiceClient(second.Channel(verifierKey))
            .VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = license.Identifier, Purpose = "引擎互验" });

        Assert.True(answer.Valid, answer.Reason);
        Assert.True(answer.Checks.Single(c => c.Name == "SEAL").Passed);
    }

    [Fact]
    public void UnknownEngine_StopsStartUp_NamingTheSetting()
    {
        using var hub = new HubFactory(postgres, new Dictionary<string, string?> { ["Hub:Signing:Engine"] = "Fast" });

        var error = Assert.ThrowsAny<Exception>(() => hub.Server);

        Assert.Contains("Engine", error.ToString(), StringComparison.Ordinal);
    }
}
