using Dapper;
using Hub.Core.Access;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Server.Infrastructure;

public sealed class AccessLogTests(PostgresCluster postgres)
{
    [Theory]
    [InlineData("access_log")]
    [InlineData("access_log_queue")]
    public async Task Columns_are_exactly_as_wide_as_the_limits_of_an_access_record(string table)
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);

        var widths = (await connection.QueryAsync<(string Column, int Width)>(
            "SELECT column_name, character_maximum_length FROM information_schema.columns WHERE table_name = @table AND character_maximum_length IS NOT NULL",
            new { table })).ToDictionary(c => c.Column, c => c.Width);

        Assert.Equal(
            new Dictionary<string, int>
            {
                ["action"] = AccessRecordLimits.Action,
                ["object_type"] = AccessRecordLimits.ObjectType,
                ["object_id"] = AccessRecordLimits.ObjectId,
                ["purpose"] = AccessRecordLimits.Purpose,
                ["matter_code"] = AccessRecordLimits.MatterCode,
                ["case_number"] = AccessRecordLimits.CaseNumber,
                ["outcome"] = AccessRecordLimits.Outcome,
            },
            widths);
    }

    [Fact]
    public async Task A_record_beyond_the_limits_is_refused_before_it_is_written()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using var log = new TestAccessLog(dataSource);

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await log.Writer.AppendAsync(Record("test.Read") with { Fields = [new string('f', AccessRecordLimits.FieldName + 1)] }, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await log.Writer.AppendAsync(Record("test.Read") with { Purpose = "a\u202Eb" }, TestContext.Current.CancellationToken));
        var next = await log.Writer.AppendAsync(Record("test.Kept"), TestContext.Current.CancellationToken);

        Assert.Equal(0, next.LogIndex);
    }

    [Fact]
    public async Task Append_Concurrently_GivesDenseIndicesWithoutHoles()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using var log = new TestAccessLog(dataSource);

        var entries = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => log.Writer.AppendAsync(Record($"test.Read{i}"), TestContext.Current.CancellationToken)));

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), entries.Select(e => e.LogIndex).Order());
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        Assert.Equal(40L, await connection.ExecuteScalarAsync<long>("SELECT size FROM log_head"));
    }

    [Fact]
    public async Task Append_InsideARolledBackTransaction_LeavesNoEntryAndNoHole()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using var log = new TestAccessLog(dataSource);
        await using (var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            await log.Transactional.AppendAsync(connection, transaction, Record("test.Abandoned"), TestContext.Current.CancellationToken);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        var next = await log.Writer.AppendAsync(Record("test.Kept"), TestContext.Current.CancellationToken);

        Assert.Equal(0, next.LogIndex);
    }

    [Fact]
    public async Task Commit_ReturnsOnlyOnceTheEntryHasItsIndexInTheLog()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using var log = new TestAccessLog(dataSource);
        await using (var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            await log.Transactional.AppendAsync(connection, transaction, Record("test.Write"), TestContext.Current.CancellationToken);
            await log.Transactional.CommitAsync(transaction, TestContext.Current.CancellationToken);
        }

        await using var db = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        Assert.Equal("test.Write", await db.ExecuteScalarAsync<string>("SELECT action FROM access_log WHERE log_index = 0"));
        Assert.Equal(0L, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM access_log_queue"));
    }

    [Fact]
    public async Task ManyWritersAndReadersOnTwoHosts_KeepTheLogDenseWithEveryEntryOnce()
    {
        // Two hosts of 16 connections each: 400 callers queue on their pools as they would on real hosts.
        var database = postgres.CreateDatabase() + ";Maximum Pool Size=16";
        await using var dataSourceA = await MigratedDatabase.CreateAsync(database);
        await using var dataSourceB = NpgsqlDataSource.Create(database);
        await using var hostA = new TestAccessLog(dataSourceA);
        await using var hostB = new TestAccessLog(dataSourceB);
        var ct = TestContext.Current.CancellationToken;

        async Task WriteAsync(TestAccessLog host, NpgsqlDataSource dataSource, string action)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await host.Transactional.AppendAsync(connection, transaction, Record(action), ct);
            await host.Transactional.CommitAsync(transaction, ct);
        }

        var work = Enumerable.Range(0, 400).Select(i => (i % 4) switch
        {
            0 => WriteAsync(hostA, dataSourceA, $"test.WriteA{i}"),
            1 => WriteAsync(hostB, dataSourceB, $"test.WriteB{i}"),
            2 => hostA.Writer.AppendAsync(Record($"test.ReadA{i}"), ct),
            _ => hostB.Writer.AppendAsync(Record($"test.ReadB{i}"), ct),
        });
        await Task.WhenAll(work);

        await using var db = await dataSourceA.OpenConnectionAsync(ct);
        var rows = (await db.QueryAsync<(long Index, string Action, string Json)>("SELECT log_index, action, entry_json FROM access_log ORDER BY log_index")).ToList();
        Assert.Equal(Enumerable.Range(0, 400).Select(i => (long)i), rows.Select(r => r.Index));
        Assert.Equal(400, rows.Select(r => r.Action).Distinct().Count());
        Assert.All(rows, r => Assert.Contains($"\"log_index\":{r.Index},", r.Json, StringComparison.Ordinal));
        Assert.Equal(400L, await db.ExecuteScalarAsync<long>("SELECT size FROM log_head"));
    }

    [Fact]
    public async Task EntriesLeftInTheQueueByADeadReplica_AreSequencedByAnother()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        var dead = new TestAccessLog(dataSource);
        await dead.DisposeAsync(); // its log writer has stopped: the replica died after committing
        await using (var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            await dead.Transactional.AppendAsync(connection, transaction, Record("test.Orphaned"), TestContext.Current.CancellationToken);
            await transaction.CommitAsync(TestContext.Current.CancellationToken);
        }

        await using var survivor = new TestAccessLog(dataSource);
        await using var db = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (await db.ExecuteScalarAsync<long>("SELECT count(*) FROM access_log") == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal("test.Orphaned", await db.ExecuteScalarAsync<string>("SELECT action FROM access_log WHERE log_index = 0"));
    }

    [Fact]
    public async Task Rows_CannotBeUpdatedOrDeleted()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await using var log = new TestAccessLog(dataSource);
        await log.Writer.AppendAsync(Record("test.Read"), TestContext.Current.CancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);

        var update = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("UPDATE access_log SET outcome = 'FORGED'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("DELETE FROM access_log"));

        Assert.Contains("append-only", update.MessageText, StringComparison.Ordinal);
        Assert.Contains("append-only", delete.MessageText, StringComparison.Ordinal);
        Assert.Equal("OK", await connection.ExecuteScalarAsync<string>("SELECT outcome FROM access_log"));
    }

    [Fact]
    public async Task Append_StoresWhoWhatWhyAndTheBlindIndexOnly()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        var caller = Guid.NewGuid();
        var blindIndex = new byte[] { 1, 2, 3, 4 };
        await using var log = new TestAccessLog(dataSource);
        await log.Writer.AppendAsync(
            new AccessRecord
            {
                CallerId = caller,
                Action = "licenses.VerifyLicense",
                ObjectType = "license",
                ObjectId = "1.2.156.3005.2.x",
                HolderIndex = blindIndex,
                Purpose = "食品经营许可审批",
                MatterCode = "M-001",
                CaseNumber = "C-2026-1",
                Fields = ["name", "valid_until"],
                Outcome = "OK",
            },
            TestContext.Current.CancellationToken);

        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        var row = await connection.QuerySingleAsync<(Guid Caller, string Action, byte[] Holder, string Purpose, string Matter, string[] Fields)>(
            "SELECT caller_id, action, holder_index, purpose, matter_code, fields FROM access_log");
        Assert.Equal(caller, row.Caller);
        Assert.Equal("licenses.VerifyLicense", row.Action);
        Assert.Equal(blindIndex, row.Holder);
        Assert.Equal("食品经营许可审批", row.Purpose);
        Assert.Equal("M-001", row.Matter);
        Assert.Equal(["name", "valid_until"], row.Fields);
    }

    private static AccessRecord Record(string action) => new() { CallerId = Guid.NewGuid(), Action = action, Outcome = "OK" };
}
