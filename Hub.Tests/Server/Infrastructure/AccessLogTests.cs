using Dapper;
using Hub.Core.Access;
using Hub.Server.Infrastructure.Postgres;
using Hub.Tests.Support;
using Npgsql;

namespace Hub.Tests.Server.Infrastructure;

public sealed class AccessLogTests(PostgresCluster postgres)
{
    [Fact]
    public async Task Append_Concurrently_GivesDenseIndicesWithoutHoles()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        var log = new PostgresAccessLog(dataSource, TimeProvider.System);

        var entries = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => log.AppendAsync(Record($"test.Read{i}"), TestContext.Current.CancellationToken)));

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (long)i), entries.Select(e => e.LogIndex).Order());
        await using var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken);
        Assert.Equal(40L, await connection.ExecuteScalarAsync<long>("SELECT size FROM log_head"));
    }

    [Fact]
    public async Task Append_InsideARolledBackTransaction_LeavesNoEntryAndNoHole()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        var log = new PostgresAccessLog(dataSource, TimeProvider.System);
        await using (var connection = await dataSource.OpenConnectionAsync(TestContext.Current.CancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(TestContext.Current.CancellationToken))
        {
            await log.AppendAsync(connection, transaction, Record("test.Abandoned"), TestContext.Current.CancellationToken);
            await transaction.RollbackAsync(TestContext.Current.CancellationToken);
        }

        var next = await log.AppendAsync(Record("test.Kept"), TestContext.Current.CancellationToken);

        Assert.Equal(0, next.LogIndex);
    }

    [Fact]
    public async Task Rows_CannotBeUpdatedOrDeleted()
    {
        await using var dataSource = await MigratedDatabase.CreateAsync(postgres);
        await new PostgresAccessLog(dataSource, TimeProvider.System).AppendAsync(Record("test.Read"), TestContext.Current.CancellationToken);
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
        await new PostgresAccessLog(dataSource, TimeProvider.System).AppendAsync(
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
