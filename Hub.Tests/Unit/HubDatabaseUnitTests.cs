using Hub.Server.Infrastructure.Hosting;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Tests.Unit;

/// <summary>The pool the hub builds from a connection string: it keeps every connection it opened unless the operator chose a floor.</summary>
[Trait("Category", "Unit")]
public sealed class HubDatabaseUnitTests
{
    [Fact]
    public async Task A_connection_string_without_a_floor_keeps_every_opened_connection_and_one_with_a_floor_keeps_its_own()
    {
        await using var defaulted = HubDatabase.Open("Host=db.invalid;Database=hub;Username=hub", new HubOptions(), new EmbeddedOptions());
        await using var chosen = HubDatabase.Open("Host=db.invalid;Database=hub;Username=hub;MinPoolSize=0", new HubOptions(), new EmbeddedOptions());
        await using var small = HubDatabase.Open("Host=db.invalid;Database=hub;Username=hub;Maximum Pool Size=10", new HubOptions(), new EmbeddedOptions());

        Assert.Equal(100, new NpgsqlConnectionStringBuilder(defaulted.DataSource.ConnectionString).MinPoolSize); // Npgsql's default maximum
        Assert.Equal(0, new NpgsqlConnectionStringBuilder(chosen.DataSource.ConnectionString).MinPoolSize);
        Assert.Equal(10, new NpgsqlConnectionStringBuilder(small.DataSource.ConnectionString).MinPoolSize);
    }

    [Theory]
    [InlineData("Host=x;Minimum Pool Size=4", true)]
    [InlineData("Host=x;minpoolsize=4", true)]
    [InlineData("Host=x;MINIMUM POOL SIZE=0", true)]
    [InlineData("Host=x;Maximum Pool Size=4", false)]
    public void Only_a_floor_the_connection_string_names_counts_as_chosen(string connectionString, bool chosen) =>
        Assert.Equal(chosen, HubDatabase.Sets(connectionString, "Minimum Pool Size", "MinPoolSize"));
}
