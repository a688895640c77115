using System.Diagnostics;
using Grpc.Core;
using Hub.Common.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Exchange;

/// <summary>
/// A department's provider system that misbehaves on the wire — accepts and says nothing, resets the connection, or
/// answers something that is not gRPC — costs a query a bounded wait and a precise UNAVAILABLE naming the provider,
/// never UNKNOWN, and leaves no slot or connection behind: after more failures than the provider's concurrency limit,
/// the next query still gets the same precise answer at once, not PROVIDER_BUSY.
/// </summary>
public sealed class MisbehavingProviderTests(ExchangeScenarioFixture fixture) : IClassFixture<ExchangeScenarioFixture>
{
    private readonly ExchangeScenario _s = fixture.Scenario;

    [Theory]
    [InlineData(Misbehaviour.Silent, "PROVIDER_TIMEOUT")]
    [InlineData(Misbehaviour.Reset, "PROVIDER_UNAVAILABLE")]
    [InlineData(Misbehaviour.Garbage, null)]
    public async Task A_provider_that_misbehaves_costs_a_bounded_wait_and_a_precise_error_and_leaks_nothing(Misbehaviour misbehaviour, string? reason)
    {
        using var provider = new MisbehavingProvider(misbehaviour);
        var resource = await _s.NewResourceAsync(SharingType.Unconditional, provider.Endpoint);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        await _s.RequestGrantAsync(consumer, resource, "gender");

        // More calls than the provider's concurrency limit (16 by default), a few at a time.
        var reasons = new List<string>();
        var slowest = TimeSpan.Zero;
        for (var round = 0; round < 6; round++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
            {
                var watch = Stopwatch.StartNew();
                var error = await Assert.ThrowsAsync<RpcException>(() => _s.QueryAsync(consumer, resource, _s.NewPerson()));
                return (Error: error, Elapsed: watch.Elapsed);
            }));
            foreach (var (error, elapsed) in answers)
            {
                Assert.Equal(StatusCode.Unavailable, error.StatusCode);
                Assert.Contains(ExchangeScenario.ProviderOrg, error.Status.Detail, StringComparison.Ordinal);
                reasons.Add(error.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Reason);
                slowest = elapsed > slowest ? elapsed : slowest;
            }
        }

        // The deadline (1.5 s in this scenario) bounds every call, retries included, with room for a loaded machine.
        Assert.True(slowest < TimeSpan.FromSeconds(6), $"a query waited {slowest.TotalSeconds:0.0} s");
        Assert.DoesNotContain("PROVIDER_BUSY", reasons);
        if (reason is not null)
        {
            Assert.All(reasons, r => Assert.Equal(reason, r));
        }
        else
        {
            Assert.All(reasons, r => Assert.Contains(r, (string[])["PROVIDER_FAILED", "PROVIDER_UNAVAILABLE"]));
        }

        Assert.True(provider.Connections > 0, "the hub never reached the provider");
    }
}
