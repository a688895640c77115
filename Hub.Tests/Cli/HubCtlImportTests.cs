using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dapper;
using Hub.Cli;
using Hub.Tests.Reliability;
using Hub.Tests.Server.Licenses;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Cli;

/// <summary>hubctl licenses import: files as departments export them, the summary, the rejects file, re-runs and kill -9.</summary>
public sealed class HubCtlImportTests(LicenseScenarioFixture fixture, PostgresCluster postgres) : IClassFixture<LicenseScenarioFixture>
{
    private readonly LicenseScenario _s = fixture.Scenario;

    [Fact]
    public async Task ImportJsonl_WithBadRows_PrintsTheSummary_WritesTheRejectsByLine_AndExitsThree()
    {
        var file = TempFile(".jsonl");
        var lines = new List<string>
        {
            JsonLine("CLI-IMP-J1", LicenseScenario.CitizenId),
            "{ this is not json",
            JsonLine("CLI-IMP-J2", "610102199001011236"), // wrong GB 11643 check character
            JsonLine("CLI-IMP-J3", LicenseScenario.OtherCitizenId).Replace("\"2015-02-27\",\"source", "\"2015-2-27\",\"source", StringComparison.Ordinal),
            string.Empty,
            JsonLine("CLI-IMP-J4", LicenseScenario.OtherCitizenId),
        };
        await File.WriteAllLinesAsync(file, lines, TestContext.Current.CancellationToken);

        var (exit, output, error) = await RunAsync("licenses", "import", file, "--api-key", _s.IssuerKey);

        Assert.True(exit == 3, output + error);
        Assert.Contains("imported 2, already present 0, rejected 3", output, StringComparison.Ordinal);
        Assert.Contains("progress: 5/5 rows (100%)", output, StringComparison.Ordinal);
        var rejects = (await File.ReadAllLinesAsync(file + ".rejects.jsonl", TestContext.Current.CancellationToken))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("field").GetString(), r.GetProperty("reason").GetString()!))
            .ToList();
        Assert.Contains(rejects, r => r.Item1 == 2 && r.Item2 == "(line)" && r.Item3.Contains("JSON", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r.Item1 == 3 && r.Item2 == "holder.id_number" && r.Item3.Contains("GB 11643", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r.Item1 == 4 && r.Item2 == "issued_on");
        Assert.Equal(3, rejects.Count);

        // Run again: the good rows are already present, the bad ones rejected again, the rejects file rewritten.
        var (again, againOutput, _) = await RunAsync("licenses", "import", file, "--api-key", _s.IssuerKey);
        Assert.Equal(3, again);
        Assert.Contains("imported 0, already present 2, rejected 3", againOutput, StringComparison.Ordinal);
        Assert.Equal(3, (await File.ReadAllLinesAsync(file + ".rejects.jsonl", TestContext.Current.CancellationToken)).Length);
    }

    [Fact]
    public async Task ImportCsv_AsExcelExportsIt_ImportsEveryRowAndExitsZero()
    {
        var file = TempFile(".csv");
        var csv = new StringBuilder();
        csv.Append("type_code,license_number,holder_name,holder_id_type,holder_id_number,valid_from,valid_until,issued_on,source_system,face.category,face.issued_on,face.address\r\n");
        csv.Append($"{LicenseScenario.TypeCode},CLI-IMP-C1,钱七,CITIZEN_ID,{LicenseScenario.CitizenId},2016-05-01,,2016-04-30,XA-OLD-SYS,A类,2016-04-30,\"陕西省西安市新城区西五路1号, 3单元\"\r\n");
        csv.Append($"{LicenseScenario.TypeCode},CLI-IMP-C2,\"孙\"\"八\"\"\",Citizen_Id,{LicenseScenario.OtherCitizenId},2016-05-01,2036-04-30,2016-04-30,XA-OLD-SYS,B类,2016-04-30,\"多行\n地址\"\r\n");
        await File.WriteAllTextAsync(file, csv.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), TestContext.Current.CancellationToken);

        var (exit, output, error) = await RunAsync("licenses", "import", file, "--api-key", _s.IssuerKey, "--batch-size", "1");

        Assert.True(exit == 0, output + error);
        Assert.Contains("imported 2, already present 0, rejected 0", output, StringComparison.Ordinal);
        await using var db = new NpgsqlConnection(_s.Hub.ConnectionString);
        var sources = (await db.QueryAsync<string>("SELECT source_system FROM licenses WHERE license_number IN ('CLI-IMP-C1', 'CLI-IMP-C2')")).ToList();
        Assert.Equal(["XA-OLD-SYS", "XA-OLD-SYS"], sources);
        var identifier = await db.ExecuteScalarAsync<string>(
            "SELECT v.identifier FROM licenses l JOIN license_versions v USING (license_id) WHERE l.license_number = 'CLI-IMP-C1'");
        var (got, getOutput, _) = await RunAsync("licenses", "get", identifier!, "--api-key", _s.IssuerKey);
        Assert.Equal(0, got);
        Assert.Contains("imported (归集): first issued 2016-04-30 by XA-OLD-SYS", getOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_MissingFileOrBadHeader_ExitsTwoWithAMessage()
    {
        var (missing, _, missingError) = await RunAsync("licenses", "import", "/nonexistent/file.jsonl", "--api-key", _s.IssuerKey);
        Assert.Equal(2, missing);
        Assert.Contains("does not exist", missingError, StringComparison.Ordinal);

        var file = TempFile(".csv");
        await File.WriteAllTextAsync(file, "type_code,number\nX,Y\n", TestContext.Current.CancellationToken);
        var (badHeader, _, headerError) = await RunAsync("licenses", "import", file, "--api-key", _s.IssuerKey);
        Assert.Equal(2, badHeader);
        Assert.Contains("missing: license_number", headerError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportKilledWithSigkillAndRunAgain_LeavesEveryRowExactlyOnce()
    {
        await using var hub = new HubProcess(postgres.CreateDatabase());
        await hub.StartAsync();
        var (issuerKey, _) = await KillHubUnderWriteLoadTests.SetUpAsync(hub);
        const int rows = 6000;
        var file = TempFile(".jsonl");
        await File.WriteAllLinesAsync(file, Enumerable.Range(0, rows).Select(i => JsonLine($"KILLED-IMPORT-{i:00000}", LicenseScenario.CitizenId)), TestContext.Current.CancellationToken);

        // First run: hubctl as its own process, killed (SIGKILL) once the hub has acknowledged some batches.
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { HubProcess.BuiltAssembly("Hub.Cli", "hubctl.dll"), "licenses", "import", file, "--batch-size", "200", "--url", hub.Url, "--api-key", issuerKey })
        {
            info.ArgumentList.Add(argument);
        }

        await using var db = new NpgsqlConnection(hub.ConnectionString);
        using (var first = Process.Start(info)!)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (await db.ExecuteScalarAsync<long>("SELECT count(*) FROM licenses WHERE license_number LIKE 'KILLED-IMPORT-%'") < 600 && DateTime.UtcNow < deadline && !first.HasExited)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }

            Assert.False(first.HasExited, "the import finished before it could be killed: make the file larger");
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var partial = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM licenses WHERE license_number LIKE 'KILLED-IMPORT-%'");
        Assert.InRange(partial, 600, rows - 1);

        // Second run, to completion: the rows the first run imported are already present, the rest are imported.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HubCtl.RunAsync(["licenses", "import", file, "--url", hub.Url, "--api-key", issuerKey], new CliEnvironment(output, error, null));

        Assert.True(exit == 0, output.ToString() + error);
        var summary = output.ToString().Split('\n').Single(l => l.StartsWith("imported ", StringComparison.Ordinal));
        var numbers = summary.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Where(w => long.TryParse(w, out _)).Select(long.Parse).ToList();
        Assert.Equal(rows, numbers[0] + numbers[1]);
        Assert.True(numbers[1] >= partial, summary);
        Assert.Equal(0, numbers[2]);
        Assert.Equal((long)rows, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM licenses WHERE license_number LIKE 'KILLED-IMPORT-%'"));
        Assert.Equal((long)rows, await db.ExecuteScalarAsync<long>("SELECT count(DISTINCT license_number) FROM licenses WHERE license_number LIKE 'KILLED-IMPORT-%'"));
        Assert.Equal((long)rows, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM access_log WHERE action = 'licenses.ImportLicenses'"));
    }

    private static string JsonLine(string number, string idNumber)
    {
        var record = ImportLicensesTests.Record(0, number, idNumber);
        return JsonSerializer.Serialize(new
        {
            type_code = record.TypeCode,
            license_number = number,
            holder = new { name = record.Holder.Name, id_type = "CITIZEN_ID", id_number = idNumber },
            valid_from = "2015-03-01",
            valid_until = "2035-02-28",
            issued_on = "2015-02-27",
            source_system = record.SourceSystem,
            face = record.Face,
        });
    }

    private static string TempFile(string extension) => Path.Combine(Directory.CreateTempSubdirectory("hub-cli-import-").FullName, "licenses" + extension);

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await HubCtl.RunAsync([.. args, "--url", _s.Hub.Server.BaseAddress.ToString()], new CliEnvironment(output, error, _s.Hub.Server.CreateHandler()));
        return (exit, output.ToString(), error.ToString());
    }
}
