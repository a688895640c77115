using Hub.Server.Infrastructure.Postgres;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Hub.Tests.Support;

/// <summary>The hub's access log on a test database: the log writer (reads, sequencing) and the transactional appender.</summary>
public sealed class TestAccessLog : IAsyncDisposable
{
    public TestAccessLog(NpgsqlDataSource dataSource)
    {
        Writer = new GroupCommitAccessLog(dataSource, TimeProvider.System, NullLogger<GroupCommitAccessLog>.Instance);
        Transactional = new PostgresAccessLog(Writer, TimeProvider.System, NullLogger<PostgresAccessLog>.Instance);
    }

    public GroupCommitAccessLog Writer { get; }

    public PostgresAccessLog Transactional { get; }

    public ValueTask DisposeAsync() => Writer.DisposeAsync();
}
