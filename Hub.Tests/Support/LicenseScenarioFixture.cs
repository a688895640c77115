namespace Hub.Tests.Support;

/// <summary>One <see cref="LicenseScenario"/> shared by the tests of a class; tests use their own license numbers.</summary>
public sealed class LicenseScenarioFixture(PostgresCluster postgres) : IAsyncLifetime
{
    public LicenseScenario Scenario { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Scenario = await LicenseScenario.CreateAsync(new HubFactory(postgres));

    public async ValueTask DisposeAsync() => await Scenario.DisposeAsync();
}
