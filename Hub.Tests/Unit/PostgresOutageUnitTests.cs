using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Tests.Unit;

/// <summary>Which database failures a client may retry (UNAVAILABLE) and which are defects to look at.</summary>
[Trait("Category", "Unit")]
public sealed class PostgresOutageUnitTests
{
    [Theory]
    [InlineData("25006")] // a session on a node just demoted to standby during a failover
    [InlineData("57P01")] // the server is shutting down
    [InlineData("57P03")] // the server is starting up or in recovery
    [InlineData("08006")] // the connection failed
    [InlineData("53300")] // too many connections
    public void A_server_that_cannot_take_the_write_now_is_an_outage(string sqlState) =>
        Assert.True(PostgresOutage.IsOutage(new PostgresException("away", "FATAL", "FATAL", sqlState)));

    [Theory]
    [InlineData("23505")] // a unique constraint: the request (or the code) is wrong, retrying changes nothing
    [InlineData("42P01")] // a missing table: a defect or a missing migration
    [InlineData("22P02")] // malformed input text
    public void A_server_that_refuses_the_statement_is_not_an_outage(string sqlState) =>
        Assert.False(PostgresOutage.IsOutage(new PostgresException("wrong", "ERROR", "ERROR", sqlState)));

    [Fact]
    public void No_primary_on_a_multi_host_connection_string_is_an_outage() =>
        Assert.True(PostgresOutage.IsOutage(new NpgsqlException("No suitable host was found.")));

    [Fact]
    public void Timeouts_are_outages_and_programming_errors_are_not()
    {
        Assert.True(PostgresOutage.IsOutage(new TimeoutException()));
        Assert.False(PostgresOutage.IsOutage(new InvalidOperationException("bug")));
        Assert.False(PostgresOutage.IsOutage(new ArgumentException("bug")));
    }
}
