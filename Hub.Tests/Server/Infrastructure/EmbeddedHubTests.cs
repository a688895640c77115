using System.Text.Json;
using Dapper;
using Grpc.Health.V1;
using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Server.Infrastructure.Embedded;
using Hub.Server.Infrastructure.Postgres;
using Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Hub.Tests.Server.Infrastructure;

/// <summary>The whole hub on its embedded default, as `dotnet run --project Hub.Server` starts it.</summary>
public sealed class EmbeddedHubTests : IDisposable
{
    private readonly string _state = Directory.CreateTempSubdirectory("hub-tests-embedded-hub-").FullName;

    [Fact]
    public async Task EmbeddedDefault_ProvisionsWritesTheAdminKeyStopsAndKeepsDataAcrossRestarts()
    {
        var ct = TestContext.Current.CancellationToken;
        string dataDirectory;
        using (var first = HubFactory.Embedded(_state))
        {
            var health = new Health.HealthClient(first.Channel());
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: ct)).Status);

            var keyFile = Path.Combine(_state, "admin-api-key");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
            var admin = new AdminService.AdminServiceClient(first.Channel((await File.ReadAllTextAsync(keyFile, ct)).Trim()));
            await admin.RegisterCallerAsync(new RegisterCallerRequest
            {
                OrgCode = "91350100M000100Y43",
                OrgName = "持久化检查",
                SystemName = "kept-across-restarts",
                Roles = { Role.Verifier },
                Clearance = DataLevel.L1Public,
            }, cancellationToken: ct);
            dataDirectory = first.Services.GetRequiredService<HubDatabase>().Embedded!.DataDirectory;

            // Demo data: the sample license printed in the banner verifies with the demo window system's key.
            var sample = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_state, "demo.json"), ct)).RootElement;
            var verifierKey = (await File.ReadAllTextAsync(Path.Combine(_state, "demo-keys", "verifier"), ct)).Trim();
            var verification = new Hub.Verification.V1.VerificationService.VerificationServiceClient(first.Channel(verifierKey));
            var valid = await verification.VerifyLicenseAsync(new Hub.Verification.V1.VerifyLicenseRequest { Identifier = sample.GetProperty("ValidIdentifier").GetString(), Purpose = "演示" }, cancellationToken: ct);
            var suspended = await verification.VerifyLicenseAsync(new Hub.Verification.V1.VerifyLicenseRequest { Identifier = sample.GetProperty("SuspendedIdentifier").GetString(), Purpose = "演示" }, cancellationToken: ct);
            Assert.True(valid.Valid, valid.Reason);
            Assert.Equal("SUSPENDED", suspended.Reason);

            // 免证办 on the seeded data: the demo enterprise need not submit its business license for a food permit.
            var exemption = new Hub.Exemption.V1.ExemptionService.ExemptionServiceClient(first.Channel(verifierKey));
            var answer = await exemption.CheckMatterAsync(new Hub.Exemption.V1.CheckMatterRequest
            {
                RequestId = "embedded-1",
                MatterCode = "610100-XK-SCJG-0021",
                Applicant = new Hub.Common.V1.Holder { IdType = Hub.Common.V1.HolderIdType.Uscc, IdNumber = sample.GetProperty("EnterpriseUscc").GetString() },
                CaseNumber = "XA-2026-000123",
                Purpose = "食品经营许可审批",
            }, cancellationToken: ct);
            Assert.Equal(Hub.Exemption.V1.MaterialOutcome.Waived, answer.Materials.Single().Outcome);
            Assert.True(EmbeddedPostgres.IsRunning(EmbeddedPostgres.FindBinDirectory(null), dataDirectory));
        }

        // The hub's host finishes disposing (and so stopping PostgreSQL) on its own thread: allow it a moment.
        var stopped = false;
        for (var attempt = 0; attempt < 100 && !stopped; attempt++)
        {
            stopped = !EmbeddedPostgres.IsRunning(EmbeddedPostgres.FindBinDirectory(null), dataDirectory);
            if (!stopped)
            {
                await Task.Delay(100, ct);
            }
        }

        Assert.True(stopped, "the embedded PostgreSQL still runs after the hub stopped");

        using var second = HubFactory.Embedded(_state);
        var again = new AdminService.AdminServiceClient(second.Channel((await File.ReadAllTextAsync(Path.Combine(_state, "admin-api-key"), ct)).Trim()));
        var callers = await again.ListCallersAsync(new ListCallersRequest(), cancellationToken: ct);
        Assert.Contains(callers.Callers, c => c.SystemName == "kept-across-restarts");
        Assert.Single(callers.Callers, c => c.Roles.Contains(Role.Admin));
        Assert.Equal(11, callers.Callers.Count); // bootstrap admin + nine demo systems + the one registered above, seeded once
        await using var connection = new NpgsqlConnection(second.Services.GetRequiredService<HubDatabase>().Embedded!.ConnectionString);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM schema_migrations WHERE version = 1"));
    }

    // A PostgreSQL that was told to stop may still be writing its last WAL segment for a moment: retry, never skip.
    private static void DeleteWhenReleased(string directory)
    {
        for (var attempt = 1; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(200);
            }
        }
    }

    public void Dispose()
    {
        var record = Path.Combine(_state, "postgres.json");
        if (File.Exists(record))
        {
            var root = JsonDocument.Parse(File.ReadAllText(record)).RootElement.GetProperty("ClusterRoot").GetString()!;
            DeleteWhenReleased(root);
        }

        Directory.Delete(_state, recursive: true);
    }
}
