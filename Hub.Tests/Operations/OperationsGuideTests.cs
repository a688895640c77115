using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dapper;
using Hub.Admin.V1;
using Hub.Common.V1;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Operations;

/// <summary>
/// docs/operations.md followed as an operator follows it: its PostgreSQL set-up, run with psql as the superuser, gives
/// a role that owns nothing but the hub's database, and the hub — as its own process — migrates and serves as it.
/// </summary>
public sealed partial class OperationsGuideTests(PostgresCluster postgres)
{
    [Fact]
    public async Task The_PostgreSQL_setup_in_the_guide_gives_a_non_superuser_role_the_hub_migrates_and_serves_with()
    {
        var ct = TestContext.Current.CancellationToken;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (role, database, password) = ("hub_app_" + suffix, "hub_" + suffix, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        var guide = await File.ReadAllTextAsync(Path.Combine(HubProcess.RepositoryRoot, "docs", "operations.md"), ct);
        var sql = SqlBlock().Match(guide).Groups[1].Value
            .Replace("hub_app", role, StringComparison.Ordinal)
            .Replace("'change-me'", $"'{password}'", StringComparison.Ordinal);
        sql = DatabaseName().Replace(sql, m => m.Groups[1].Value + database);
        var script = Path.Combine(Path.GetTempPath(), $"hub-operations-{suffix}.sql");
        await File.WriteAllTextAsync(script, sql, ct);
        var superuser = new NpgsqlConnectionStringBuilder(postgres.SuperuserConnectionString);
        try
        {
            var (exit, output) = await PsqlAsync(superuser, script, ct);
            Assert.True(exit == 0, output);
        }
        finally
        {
            File.Delete(script);
        }

        var connectionString = new NpgsqlConnectionStringBuilder { Host = superuser.Host, Port = superuser.Port, Database = database, Username = role, Password = password }.ConnectionString;
        await using var hub = new HubProcess(connectionString);
        await hub.StartAsync();
        var registered = await new AdminService.AdminServiceClient(hub.Channel(HubFactory.AdminApiKey)).RegisterCallerAsync(new RegisterCallerRequest
        {
            OrgCode = "11610100MB6Y00005L",
            OrgName = "西安市政务服务中心",
            SystemName = "operations-guide",
            Roles = { Role.Verifier },
            Clearance = DataLevel.L2Internal,
        }, cancellationToken: ct);

        Assert.False(string.IsNullOrEmpty(registered.ApiKey));
        await using var db = new NpgsqlConnection(connectionString);
        Assert.False(await db.ExecuteScalarAsync<bool>("SELECT rolsuper OR rolcreaterole OR rolcreatedb FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal(role, await db.ExecuteScalarAsync<string>("SELECT tableowner FROM pg_tables WHERE tablename = 'access_log'"));
        Assert.False(await db.ExecuteScalarAsync<bool>("SELECT has_database_privilege('public', current_database(), 'CONNECT')"));
    }

    private static async Task<(int Exit, string Output)> PsqlAsync(NpgsqlConnectionStringBuilder superuser, string script, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(Path.Combine(PostgresCluster.BinDirectory, "psql")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-X", "-v", "ON_ERROR_STOP=1", "-h", superuser.Host!, "-p", superuser.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", superuser.Username!, "-d", "postgres", "-f", script })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["PGPASSWORD"] = superuser.Password ?? string.Empty;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output + await error);
    }

    [GeneratedRegex("```sql\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SqlBlock();

    /// <summary>The database the guide names ("hub"), in CREATE DATABASE, the grants and \c.</summary>
    [GeneratedRegex(@"(CREATE DATABASE |ON DATABASE |\\c )hub\b")]
    private static partial Regex DatabaseName();
}
