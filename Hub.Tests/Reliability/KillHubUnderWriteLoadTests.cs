using System.Collections.Concurrent;
using System.Text;
using Dapper;
using Grpc.Core;
using Hub.Audit.V1;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Licenses.V1;
using Hub.Signing.Merkle;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Reliability;

/// <summary>kill -9 of a hub process while writes are in flight: what the client saw acknowledged survives, retries do not duplicate, the log stays whole.</summary>
public sealed class KillHubUnderWriteLoadTests(PostgresCluster postgres)
{
    [Fact]
    public async Task KilledMidWrites_EveryAcknowledgedWriteIsPresent_RetriesDoNotDuplicate_AndTheLogStaysDense()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var hub = new HubProcess(postgres.CreateDatabase());
        await hub.StartAsync();
        var (issuerKey, auditorKey) = await SetUpAsync(hub);

        var acknowledged = new ConcurrentDictionary<IssueLicenseRequest, string>();  // request -> identifier it was answered with
        var unknown = new ConcurrentDictionary<string, IssueLicenseRequest>(); // in flight when the hub died
        var requests = new ConcurrentQueue<IssueLicenseRequest>(Enumerable.Range(0, 100_000).Select(i => LicenseScenario.IssueRequest($"KILL-{i:000000}")));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using (var channel = hub.Channel(issuerKey))
        {
            var client = new LicenseService.LicenseServiceClient(channel);
            var writers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested && requests.TryDequeue(out var request))
                {
                    try
                    {
                        var response = await client.IssueLicenseAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
                        acknowledged[request] = response.License.Identifier;
                    }
                    catch (RpcException)
                    {
                        unknown[request.RequestId] = request;
                        return; // the hub is gone
                    }
                }
            })).ToList();

            while (acknowledged.Count < 150 && !stop.IsCancellationRequested)
            {
                await Task.Delay(20, ct);
            }

            hub.Kill();
            await Task.WhenAll(writers);
        }

        Assert.True(acknowledged.Count >= 150, "the load never got going");
        Assert.NotEmpty(unknown); // writes were in flight at the kill

        var restart = System.Diagnostics.Stopwatch.StartNew();
        await hub.StartAsync();
        var restartedIn = restart.Elapsed;
        await using var db = new NpgsqlConnection(hub.ConnectionString);

        // Every write the client saw acknowledged is there, once.
        var present = (await db.QueryAsync<string>("SELECT identifier FROM license_versions")).ToHashSet();
        Assert.All(acknowledged.Values, identifier => Assert.Contains(identifier, present));

        // A retry of each write whose outcome the client never learned, with the same request_id, succeeds and
        // leaves exactly one license per number (either it had committed and is replayed, or it runs now).
        using (var channel = hub.Channel(issuerKey))
        {
            var client = new LicenseService.LicenseServiceClient(channel);
            foreach (var request in unknown.Values)
            {
                var retried = await client.IssueLicenseAsync(request, cancellationToken: ct);
                Assert.Equal(request.LicenseNumber, retried.License.LicenseNumber);
            }

            foreach (var (request, identifier) in acknowledged.Take(20))
            {
                var replay = await client.IssueLicenseAsync(request, cancellationToken: ct);
                Assert.Equal(identifier, replay.License.Identifier);
            }
        }

        var total = acknowledged.Count + unknown.Count;
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"16 writers; killed after {acknowledged.Count} acknowledged writes with {unknown.Count} in flight; all {acknowledged.Count} found after the restart " +
            $"({restartedIn.TotalSeconds:0.0} s to SERVING); {unknown.Count} retried with their request_id; {total} licenses, none doubled");
        Assert.Equal(0L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM (SELECT license_number FROM licenses GROUP BY 1 HAVING count(*) > 1) d"));
        Assert.Equal((long)total, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM licenses WHERE license_number LIKE 'KILL-%'"));

        // The log: entries a dead hub left queued are sequenced by the new one; indices are dense; every license has
        // its one IssueLicense entry; a checkpoint signed after the restart covers it all and matches the entries.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await db.ExecuteScalarAsync<long>("SELECT count(*) FROM access_log_queue") > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, ct);
        }

        var indices = (await db.QueryAsync<long>("SELECT log_index FROM access_log ORDER BY log_index")).ToList();
        Assert.Equal(Enumerable.Range(0, indices.Count).Select(i => (long)i), indices);
        Assert.Equal((long)total, await db.ExecuteScalarAsync<long>(
            "SELECT count(DISTINCT a.object_id) FROM access_log a JOIN license_versions v ON v.identifier = a.object_id WHERE a.action = 'licenses.IssueLicense'"));
        Assert.Equal((long)total, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM access_log WHERE action = 'licenses.IssueLicense'"));
        using var auditChannel = hub.Channel(auditorKey);
        var checkpoint = await AuditWaiter.CheckpointCoveringAsync(new AuditService.AuditServiceClient(auditChannel), indices[^1]);
        var entries = await db.QueryAsync<string>("SELECT entry_json FROM access_log WHERE log_index < @size ORDER BY log_index", new { size = (long)checkpoint.TreeSize });
        var leaves = entries.Select(e => MerkleTree.LeafHash(Encoding.UTF8.GetBytes(e))).ToList();
        Assert.Equal(checkpoint.RootHash.ToByteArray(), MerkleTree.Root((long)checkpoint.TreeSize, new LeafListNodeSource(leaves)));
    }

    /// <summary>Registers, through the process's API, a catalogue team, an issuer, an auditor and the scenario's license type.</summary>
    internal static async Task<(string IssuerKey, string AuditorKey)> SetUpAsync(HubProcess hub)
    {
        Task<string> RegisterAsync(string org, string system, Role role) => hub.RegisterCallerAsync(org, "测试单位", system, DataLevel.L1Public, role);

        var catalogueKey = await RegisterAsync("11610100MB0000000J", "catalogue", Role.Catalogue);
        var issuerKey = await RegisterAsync(LicenseScenario.IssuerOrg, "issuer", Role.Issuer);
        var auditorKey = await RegisterAsync("11610100MB0000000J", "auditor", Role.Auditor);
        using var catalogueChannel = hub.Channel(catalogueKey);
        await new CatalogueService.CatalogueServiceClient(catalogueChannel).RegisterLicenseTypeAsync(LicenseScenario.LicenseTypeRequest());
        return (issuerKey, auditorKey);
    }
}
