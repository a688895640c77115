using Microsoft.Extensions.DependencyInjection;

namespace Hub.Tests.Support;

/// <summary>
/// One <see cref="LicenseScenario"/> shared by the tests of a class; tests use their own license numbers. The hub reads
/// the time from <see cref="Clock"/>, so a test moves time (a presentation expiring) instead of sleeping.
/// </summary>
public sealed class LicenseScenarioFixture(PostgresCluster postgres) : IAsyncLifetime
{
    public LicenseScenario Scenario { get; private set; } = null!;

    public MovableClock Clock { get; } = new();

    public async ValueTask InitializeAsync() =>
        Scenario = await LicenseScenario.CreateAsync(new HubFactory(postgres) { ConfigureTestServices = s => s.AddSingleton<TimeProvider>(Clock) });

    public async ValueTask DisposeAsync() => await Scenario.DisposeAsync();
}
