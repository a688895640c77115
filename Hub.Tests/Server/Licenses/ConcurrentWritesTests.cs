using Dapper;
using Grpc.Core;
using Hub.Audit.V1;
using Hub.Licenses.V1;
using Hub.Signing.Identifiers;
using Hub.Signing.Merkle;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Server.Licenses;

/// <summary>The write path under concurrency: many writers, two hub hosts on one database, failures that stay alone.</summary>
public sealed class ConcurrentWritesTests(PostgresCluster postgres)
{
    [Fact]
    public async Task ManyIssuesOnTwoHubHosts_KeepADenseLogWithOneEntryPerLicenseAndUniqueSerials()
    {
        var database = postgres.CreateDatabase();
        var masterKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var first = await LicenseScenario.CreateAsync(new HubFactory(database, new Dictionary<string, string?> { ["Hub:Secrets:MasterKey"] = masterKey }));
        await using var second = new HubFactory(database, new Dictionary<string, string?> { ["Hub:Secrets:MasterKey"] = masterKey });
        var clients = new[] { first.Licenses(first.IssuerKey), new LicenseService.LicenseServiceClient(second.Channel(first.IssuerKey)) };
        await using var db = new NpgsqlConnection(database);
        var before = await db.ExecuteScalarAsync<long>("SELECT size FROM log_head");

        var issued = await Task.WhenAll(Enumerable.Range(0, 120).Select(async i =>
            (await clients[i % 2].IssueLicenseAsync(LicenseScenario.IssueRequest($"XA-DENSE-{i:000}"), cancellationToken: TestContext.Current.CancellationToken)).License));

        // Every write answered only once its entry had its index: nothing is left queued, the log has no gap or
        // duplicate, and each license has exactly one IssueLicense entry.
        Assert.Equal(0L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM access_log_queue"));
        var indices = (await db.QueryAsync<long>("SELECT log_index FROM access_log ORDER BY log_index")).ToList();
        Assert.Equal(Enumerable.Range(0, indices.Count).Select(i => (long)i), indices);
        Assert.Equal(indices.Count, await db.ExecuteScalarAsync<long>("SELECT size FROM log_head"));
        Assert.True(indices.Count >= before + 120);
        var issueEntries = (await db.QueryAsync<string>("SELECT object_id FROM access_log WHERE action = 'licenses.IssueLicense'")).ToList();
        Assert.Equal(issued.Select(l => l.Identifier).Order(StringComparer.Ordinal), issueEntries.Order(StringComparer.Ordinal));
        var serials = issued.Select(l => LicenseIdentifier.TryParse(l.Identifier, out var id, out _) ? id.Serial : "?").ToList();
        Assert.Equal(120, serials.Distinct().Count());

        // And the log still verifies: a checkpoint covers the last entry and its root is the recomputed tree's.
        var audit = new AuditService.AuditServiceClient(first.Hub.Channel(first.AuditorKey));
        var checkpoint = await AuditWaiter.CheckpointCoveringAsync(audit, indices[^1]);
        var entries = await db.QueryAsync<string>("SELECT entry_json FROM access_log WHERE log_index < @size ORDER BY log_index", new { size = (long)checkpoint.TreeSize });
        var leaves = entries.Select(e => MerkleTree.LeafHash(System.Text.Encoding.UTF8.GetBytes(e))).ToList();
        Assert.Equal(checkpoint.RootHash.ToByteArray(), MerkleTree.Root((long)checkpoint.TreeSize, new LeafListNodeSource(leaves)));
    }

    [Fact]
    public async Task ConcurrentIssuesOfOneLicenseNumber_OneSucceedsTheRestAreAlreadyExists()
    {
        await using var scenario = await LicenseScenario.CreateAsync(new HubFactory(postgres));
        var client = scenario.Licenses(scenario.IssuerKey);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            try
            {
                await client.IssueLicenseAsync(LicenseScenario.IssueRequest("XA-RACE-0001"), cancellationToken: TestContext.Current.CancellationToken);
                return "OK";
            }
            catch (RpcException e)
            {
                return $"{e.StatusCode}:{RpcAssert.Reason(e)}";
            }
        }));

        Assert.Equal(1, outcomes.Count(o => o == "OK"));
        Assert.All(outcomes.Where(o => o != "OK"), o => Assert.Equal("AlreadyExists:LICENSE_NUMBER_EXISTS", o));
        await using var db = new NpgsqlConnection(scenario.Hub.ConnectionString);
        Assert.Equal(1L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM licenses WHERE license_number = 'XA-RACE-0001'"));
        Assert.Equal(1L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM access_log WHERE action = 'licenses.IssueLicense'"));
    }

    [Fact]
    public async Task AFailingWriteAmongConcurrentOnes_FailsAloneAndLeavesNoEntry()
    {
        await using var scenario = await LicenseScenario.CreateAsync(new HubFactory(postgres));
        var client = scenario.Licenses(scenario.IssuerKey);
        var bad = LicenseScenario.IssueRequest("XA-ALONE-BAD");
        bad.Face.Remove("category");

        var good = Enumerable.Range(0, 20).Select(i => client.IssueLicenseAsync(LicenseScenario.IssueRequest($"XA-ALONE-{i:00}"), cancellationToken: TestContext.Current.CancellationToken).ResponseAsync).ToList();
        var refused = RpcAssert.FailsAsync(StatusCode.InvalidArgument, async () => await client.IssueLicenseAsync(bad, cancellationToken: TestContext.Current.CancellationToken));
        await Task.WhenAll(good);
        await refused;

        await using var db = new NpgsqlConnection(scenario.Hub.ConnectionString);
        Assert.Equal(20L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM licenses WHERE license_number LIKE 'XA-ALONE-%'"));
        Assert.Equal(20L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM access_log WHERE action = 'licenses.IssueLicense'"));
    }
}
