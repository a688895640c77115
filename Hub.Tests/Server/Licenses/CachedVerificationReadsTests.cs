using Hub.Common.V1;
using Hub.Tests.Support;
using Hub.Verification.V1;

namespace Hub.Tests.Server.Licenses;

/// <summary>
/// What a verification of a hot license costs PostgreSQL, counted from Npgsql's own trace of the statements it ran:
/// no read at all while the license's version, state, type and key are cached on this replica, and its audit entries
/// reach the log in the log writer's batched appends — never skipped.
/// </summary>
public sealed class CachedVerificationReadsTests(PostgresCluster postgres)
{
    private const int Verifications = 64;

    [Fact]
    public async Task VerifyingACachedLicense_ReadsNothingFromPostgres_AndItsEntriesAreAppendedInBatches()
    {
        await using var scenario = await LicenseScenario.CreateAsync(new HubFactory(postgres));
        var license = await scenario.IssueAsync("CR-0001");
        var client = scenario.Verification(scenario.VerifierKeys[DataLevel.L2Internal]);
        var request = new VerifyLicenseRequest { Identifier = license.Identifier, Purpose = "窗口受理核验", CaseNumber = LicenseScenario.CaseNumber };
        using var recorder = new StatementRecorder(scenario.Hub.ConnectionString);

        // The first verification on this replica reads the license, its state, type and key: the recorder must see
        // those reads, or a count of zero below would prove nothing.
        Assert.True((await client.VerifyLicenseAsync(request)).Valid);
        Assert.NotEmpty(VerificationReads(recorder));

        recorder.Clear();
        var concurrent = await Task.WhenAll(Enumerable.Range(0, Verifications / 2).Select(async _ => await client.VerifyLicenseAsync(request)));
        var sequential = new List<VerifyLicenseResponse>();
        for (var i = 0; i < Verifications / 2; i++)
        {
            sequential.Add(await client.VerifyLicenseAsync(request));
        }

        var responses = concurrent.Concat(sequential).ToList();
        Assert.All(responses, r => Assert.True(r.Valid, r.Reason));
        Assert.Empty(VerificationReads(recorder));

        // Every verification has its own entry in the log, and the entries went in by the log writer's COPY — at most
        // one append per verification, fewer when they arrive together.
        Assert.Equal(Verifications, responses.Select(r => r.Receipt.LogIndex).Distinct().Count());
        var appends = recorder.Statements.Count(s => s.Sql.StartsWith("COPY access_log ", StringComparison.Ordinal));
        Assert.InRange(appends, 1, Verifications);
    }

    /// <summary>Statements run while serving a request, other than the access log's own (queue, head, append).</summary>
    private static List<string> VerificationReads(StatementRecorder recorder) =>
        [.. recorder.Statements
            .Where(s => s.ServingRequest && !s.Sql.Contains("access_log", StringComparison.Ordinal) && !s.Sql.Contains("log_head", StringComparison.Ordinal))
            .Select(s => s.Sql)];
}
