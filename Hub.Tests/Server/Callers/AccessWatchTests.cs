using Dapper;
using Grpc.Core;
using Hub.Common.V1;
using Hub.Exemption.V1;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Server.Callers;

/// <summary>
/// Enumeration: a verifier walking serials reaches many distinct holders, a caller guessing a field fails often. Both
/// meet a per-caller hourly limit (RESOURCE_EXHAUSTED with a reason and a retry delay) and the refusal is audited.
/// </summary>
public sealed class AccessWatchTests(PostgresCluster postgres)
{
    private const int HoldersPerHour = 3;

    [Fact]
    public async Task A_verifier_reaching_more_distinct_holders_than_its_hourly_limit_is_refused_and_the_refusal_is_logged()
    {
        await using var s = await LicenseScenario.CreateAsync(new HubFactory(postgres, Limits()));
        var licenses = new List<string>();
        for (var i = 0; i < HoldersPerHour + 1; i++)
        {
            licenses.Add((await s.IssueAsync($"AW-{i}", idNumber: TestPeople.NewCitizenId())).Identifier);
        }

        for (var i = 0; i < HoldersPerHour; i++)
        {
            Assert.True((await s.VerifyAsync(licenses[i])).Valid);
        }

        var refused = await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, async () => await s.VerifyAsync(licenses[HoldersPerHour]), "HOLDER_LIMIT_EXCEEDED");
        var sameHolderAgain = await s.VerifyAsync(licenses[0]);
        var otherVerifier = await s.VerifyAsync(licenses[HoldersPerHour], DataLevel.L3Sensitive);

        Assert.NotNull(refused.GetRpcStatus()?.GetDetail<Google.Rpc.RetryInfo>());
        Assert.True(sameHolderAgain.Valid); // holders already reached stay reachable
        Assert.True(otherVerifier.Valid);   // the limit is per caller
        await using var connection = new NpgsqlConnection(s.Hub.ConnectionString);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM access_log WHERE outcome = 'REFUSED:HOLDER_LIMIT_EXCEEDED' AND object_id = @id AND holder_index IS NOT NULL", new { id = licenses[HoldersPerHour] }));
    }

    [Fact]
    public async Task A_caller_whose_equals_guesses_keep_failing_is_refused_after_its_hourly_budget()
    {
        await using var s = await LicenseScenario.CreateAsync(new HubFactory(postgres, Limits()));
        var holder = TestPeople.NewCitizenId();
        await s.IssueAsync("AW-GUESS", idNumber: holder);
        var window = new ExemptionService.ExemptionServiceClient(s.Hub.Channel(s.VerifierKeys[DataLevel.L2Internal]));

        var first = await window.CheckLicenseAsync(Guess(holder, "B类"));
        var second = await window.CheckLicenseAsync(Guess(holder, "C类"));
        await RpcAssert.FailsAsync(StatusCode.ResourceExhausted, async () => await window.CheckLicenseAsync(Guess(holder, "A类")), "GUESS_LIMIT_EXCEEDED");

        Assert.False(first.Satisfied || second.Satisfied);
    }

    private static Dictionary<string, string?> Limits() => new()
    {
        ["Hub:AccessWatch:DistinctHoldersPerHour"] = HoldersPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Hub:AccessWatch:FailedGuessesPerHour"] = "2",
    };

    private static CheckLicenseRequest Guess(string holder, string category) => new()
    {
        RequestId = Guid.NewGuid().ToString(),
        Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = holder },
        TypeCode = LicenseScenario.TypeCode,
        CaseNumber = "CASE-G",
        Purpose = "资格核验",
        Assertions = { new Assertion { Field = "category", Op = AssertionOp.Equals, Value = category } },
    };
}
