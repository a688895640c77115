using System.Security.Cryptography;
using Dapper;
using Hub.Audit.V1;
using Hub.Cli;
using Hub.Common.V1;
using Hub.Tests.Support;
using Hub.Verification.V1;
using Npgsql;

namespace Hub.Tests.Server.Audit;

/// <summary>Two hub replicas on one database: appends from both keep one dense order; one writes the checkpoints.</summary>
public sealed class TwoReplicaLogTests(PostgresCluster postgres)
{
    [Fact]
    public async Task TwoReplicas_ProduceOneConsistentVerifiableLog()
    {
        var settings = new Dictionary<string, string?> { ["Hub:Secrets:MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
        await using var scenario = await LicenseScenario.CreateAsync(new HubFactory(postgres, settings));
        await using var second = new HubFactory(scenario.Hub.ConnectionString, settings);
        var license = await scenario.IssueAsync("TR-0001");
        var verifier = scenario.VerifierKeys[DataLevel.L2Internal];
        var clients = new[]
        {
            new VerificationService.VerificationServiceClient(scenario.Hub.Channel(verifier)),
            new VerificationService.VerificationServiceClient(second.Channel(verifier)),
        };

        var receipts = await Task.WhenAll(Enumerable.Range(0, 60).Select(async i =>
            (await clients[i % 2].VerifyLicenseAsync(new VerifyLicenseRequest { Identifier = license.Identifier, Purpose = $"并发核验 {i}" })).Receipt));

        Assert.Equal(60, receipts.Select(r => r.LogIndex).Distinct().Count());
        await using var connection = new NpgsqlConnection(scenario.Hub.ConnectionString);
        var size = await connection.ExecuteScalarAsync<long>("SELECT size FROM log_head");
        Assert.Equal(size, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM access_log"));
        Assert.Equal(size - 1, await connection.ExecuteScalarAsync<long>("SELECT max(log_index) FROM access_log"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>(
            """
            SELECT count(*) FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND ((classid::bigint << 32) | objid::bigint) = 7527030299300687988
            """)); // exactly one replica holds the checkpoint lock ("hub-ckpt")

        await AuditWaiter.CheckpointCoveringAsync(new AuditService.AuditServiceClient(second.Channel(scenario.AuditorKey)), size - 1);
        using var output = new StringWriter();
        var state = Path.Combine(Path.GetTempPath(), $"hub-audit-{Guid.NewGuid():N}.json");
        var keys = Directory.CreateTempSubdirectory("hub-audit-keys-").FullName;
        try
        {
            Assert.Equal(0, await HubCtl.RunAsync(
                ["keys", "list", "--save-pem", keys, "--url", second.Server.BaseAddress.ToString()], new CliEnvironment(output, output, second.Server.CreateHandler())));
            var exit = await HubCtl.RunAsync(
                ["audit", "verify", "--state", state, "--trusted-keys", keys, "--url", second.Server.BaseAddress.ToString(), "--api-key", scenario.AuditorKey],
                new CliEnvironment(output, output, second.Server.CreateHandler()));
            Assert.True(exit == 0, output.ToString());
        }
        finally
        {
            File.Delete(state);
            Directory.Delete(keys, recursive: true);
        }
    }
}
