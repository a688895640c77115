using System.Diagnostics;
using Dapper;
using Hub.Audit.V1;
using Hub.Cli;
using Hub.Cli.Commands;
using Hub.Licenses.V1;
using Hub.Server.Infrastructure.Embedded;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Reliability;

/// <summary>
/// The restore drill docs/operations.md asks operators to run: a base backup (<c>pg_basebackup</c>) and a WAL archive
/// (<c>archive_command</c>), the data folder lost, the backup restored to a named restore point
/// (<c>recovery_target_name</c>), the hub started on it with the same master key. Everything written before the
/// point is there and readable, nothing after it; the log is dense and verifies for an auditor whose last checkpoint
/// came before the point — and an auditor who had seen a later checkpoint is told the log was rewritten, because it
/// was: a restore to the past is visible to everyone who watches the log.
/// </summary>
public sealed class PointInTimeRecoveryDrillTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "hub-tests-pitr-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly int _port = LoopbackPorts.Choose(0);
    private string Data => Path.Combine(_root, "data");
    private string Archive => Path.Combine(_root, "archive");
    private string Backup => Path.Combine(_root, "backup");

    [Fact]
    public async Task Restored_to_a_restore_point_the_hub_has_everything_before_it_nothing_after_and_auditors_see_the_rewind()
    {
        var ct = TestContext.Current.CancellationToken;
        Directory.CreateDirectory(Archive);
        Chown(_root);
        Postgres("initdb", "-D", Data, "-U", "postgres", "--auth=trust", "-E", "UTF8");
        File.AppendAllText(Path.Combine(Data, "postgresql.auto.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {_port}
            unix_socket_directories = '{_root}'
            wal_level = replica
            archive_mode = on
            archive_command = 'test ! -f {Archive}/%f && cp %p {Archive}/%f'

            """);
        Postgres("pg_ctl", "-D", Data, "-l", Path.Combine(_root, "server.log"), "-w", "start");
        await using (var setup = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await setup.ExecuteAsync("CREATE DATABASE hub");
        }

        var settings = new Dictionary<string, string> { ["Hub__Secrets__MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };
        var folder = Directory.CreateTempSubdirectory("hub-tests-pitr-cli-").FullName;
        var keys = Path.Combine(folder, "keys");
        string issuerKey, auditorKey;
        int hubPort;
        await using (var hub = new HubProcess(ConnectionString("hub"), settings))
        {
            await hub.StartAsync();
            hubPort = hub.Port;
            (issuerKey, auditorKey) = await KillHubUnderWriteLoadTests.SetUpAsync(hub);
            Assert.Equal(0, (await HubctlAsync(hub, "keys", "list", "--save-pem", keys)).Exit);
            await IssueAsync(hub, issuerKey, "PITR-A", 10, ct);

            // The nightly base backup, while the hub runs.
            Postgres("pg_basebackup", "-h", "127.0.0.1", "-p", $"{_port}", "-U", "postgres", "-D", Backup, "-X", "stream", "-c", "fast");

            // Work after the backup, up to the point the operator will restore to; an auditor verifies it.
            await IssueAsync(hub, issuerKey, "PITR-B", 10, ct);
            await CheckpointCoveringAllAsync(hub, auditorKey);
            Assert.Equal(0, (await VerifyAsync(hub, keys, Path.Combine(folder, "before-point"), auditorKey)).Exit);
            await using (var db = new NpgsqlConnection(ConnectionString("hub")))
            {
                await db.ExecuteAsync("SELECT pg_create_restore_point('drill')");
            }

            // Work after the point (the "mistake"), also seen by an auditor.
            await IssueAsync(hub, issuerKey, "PITR-C", 10, ct);
            await CheckpointCoveringAllAsync(hub, auditorKey);
            Assert.Equal(0, (await VerifyAsync(hub, keys, Path.Combine(folder, "after-point"), auditorKey)).Exit);
            await using (var db = new NpgsqlConnection(ConnectionString("hub")))
            {
                await SwitchAndWaitForArchiveAsync(db, ct);
            }

            // The machine is lost: the hub dies, PostgreSQL stops without a shutdown, the data folder is gone.
            hub.Kill();
            Postgres("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
            Directory.Delete(Data, recursive: true);
            NpgsqlConnection.ClearAllPools(); // this process's idle connections went with the server
        }

        // Restore: the base backup, the archive replayed up to the restore point, then promoted.
        var watch = Stopwatch.StartNew();
        Directory.Move(Backup, Data);
        File.WriteAllText(Path.Combine(Data, "recovery.signal"), string.Empty);
        File.AppendAllText(Path.Combine(Data, "postgresql.auto.conf"), $"""

            restore_command = 'cp {Archive}/%f %p'
            recovery_target_name = 'drill'
            recovery_target_action = 'promote'

            """);
        Chown(_root);
        Postgres("pg_ctl", "-D", Data, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "120", "start");
        await using (var db = new NpgsqlConnection(ConnectionString("hub")))
        {
            while (await db.ExecuteScalarAsync<bool>("SELECT pg_is_in_recovery()"))
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(120), "recovery did not finish within 120 s");
                await Task.Delay(100, ct);
            }
        }

        // The hub comes back at the address its clients and auditors know.
        await using var restored = new HubProcess(ConnectionString("hub"), settings, hubPort);
        await restored.StartAsync();
        var restoredIn = watch.Elapsed;
        await using var after = new NpgsqlConnection(ConnectionString("hub"));
        var numbers = (await after.QueryAsync<string>("SELECT license_number FROM licenses WHERE license_number LIKE 'PITR-%'")).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"restored and serving {restoredIn.TotalSeconds:0.0} s after the restore began; licenses: " +
            string.Join(", ", numbers.GroupBy(n => n[..6]).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}")));

        // Before the point: there, and readable (decrypted with the master key, sealed as issued). After it: gone.
        Assert.Equal(10, numbers.Count(n => n.StartsWith("PITR-A", StringComparison.Ordinal)));
        Assert.Equal(10, numbers.Count(n => n.StartsWith("PITR-B", StringComparison.Ordinal)));
        Assert.DoesNotContain(numbers, n => n.StartsWith("PITR-C", StringComparison.Ordinal));
        using var issuerChannel = restored.Channel(issuerKey);
        var identifier = await after.ExecuteScalarAsync<string>("SELECT v.identifier FROM licenses l JOIN license_versions v USING (license_id) WHERE l.license_number = 'PITR-B-009'");
        var license = await new LicenseService.LicenseServiceClient(issuerChannel).GetLicenseAsync(new GetLicenseRequest { Identifier = identifier }, cancellationToken: ct);
        Assert.Equal(LicenseScenario.CitizenId, license.License.Holder.IdNumber);

        // The log: dense, and the hub goes on signing it; consistent with what the auditor saw before the point; a
        // rewind for the auditor who saw past it.
        var indexes = (await after.QueryAsync<long>("SELECT log_index FROM access_log ORDER BY log_index")).ToList();
        Assert.Equal(Enumerable.Range(0, indexes.Count).Select(i => (long)i), indexes);
        await IssueAsync(restored, issuerKey, "PITR-D", 3, ct);
        await CheckpointCoveringAllAsync(restored, auditorKey);
        var beforePoint = await VerifyAsync(restored, keys, Path.Combine(folder, "before-point"), auditorKey);
        Assert.True(beforePoint.Exit == 0, beforePoint.Output);
        var afterPoint = await VerifyAsync(restored, keys, Path.Combine(folder, "after-point"), auditorKey);
        Assert.True(afterPoint.Exit == AuditCommand.TamperedExitCode, $"exit {afterPoint.Exit}: {afterPoint.Output}");
        Assert.Contains("the log was rewritten", afterPoint.Output, StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }

    public void Dispose()
    {
        if (File.Exists(Path.Combine(Data, "postmaster.pid")))
        {
            _ = ProcessRunner.Run(Tool("pg_ctl"), ["-D", Data, "-m", "immediate", "-w", "stop"], true, TimeSpan.FromSeconds(60));
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string Tool(string name) => Path.Combine(PostgresCluster.BinDirectory, name);

    private static async Task IssueAsync(HubProcess hub, string issuerKey, string prefix, int count, CancellationToken ct)
    {
        using var channel = hub.Channel(issuerKey);
        var client = new LicenseService.LicenseServiceClient(channel);
        for (var i = 0; i < count; i++)
        {
            await client.IssueLicenseAsync(LicenseScenario.IssueRequest($"{prefix}-{i:000}"), cancellationToken: ct);
        }
    }

    private static async Task CheckpointCoveringAllAsync(HubProcess hub, string auditorKey)
    {
        await using var db = new NpgsqlConnection(hub.ConnectionString);
        var last = await db.ExecuteScalarAsync<long>("SELECT max(log_index) FROM access_log");
        using var channel = hub.Channel(auditorKey);
        await AuditWaiter.CheckpointCoveringAsync(new AuditService.AuditServiceClient(channel), last);
    }

    private static Task<(int Exit, string Output)> VerifyAsync(HubProcess hub, string keys, string state, string auditorKey) =>
        HubctlAsync(hub, "audit", "verify", "--trusted-keys", keys, "--state-dir", state, "--api-key", auditorKey);

    private static async Task<(int Exit, string Output)> HubctlAsync(HubProcess hub, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HubCtl.RunAsync([.. args, "--url", hub.Url], new CliEnvironment(output, error, null));
        return (exit, output.ToString() + error);
    }

    private static async Task SwitchAndWaitForArchiveAsync(NpgsqlConnection db, CancellationToken ct)
    {
        // Close the WAL segment holding the restore point and what followed, and wait until the archive has it.
        var segment = await db.ExecuteScalarAsync<string>("SELECT pg_walfile_name(pg_switch_wal())");
        var watch = Stopwatch.StartNew();
        while (await db.ExecuteScalarAsync<string?>("SELECT last_archived_wal FROM pg_stat_archiver") is not { } archived
            || string.CompareOrdinal(archived, segment) < 0)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"WAL segment {segment} was not archived within 30 s");
            await Task.Delay(100, ct);
        }
    }

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = "postgres",
        Database = database,
        Timeout = 5,
    }.ConnectionString;

    private void Postgres(string tool, params string[] arguments)
    {
        var (exit, output) = ProcessRunner.Run(Tool(tool), arguments, true, TimeSpan.FromSeconds(180));
        Assert.True(exit == 0, $"{tool} failed ({exit}): {output}\n{(File.Exists(Path.Combine(_root, "server.log")) ? File.ReadAllText(Path.Combine(_root, "server.log")) : string.Empty)}");
    }

    private static void Chown(string path)
    {
        if (ProcessRunner.RunningAsRoot)
        {
            var (exit, output) = ProcessRunner.Run("chown", ["-R", "postgres:postgres", path], false, TimeSpan.FromSeconds(30));
            Assert.True(exit == 0, output);
        }
    }
}
