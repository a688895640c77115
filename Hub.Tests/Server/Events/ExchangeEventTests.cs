using Hub.Common.V1;
using Hub.Core.Events;
using Hub.Events.V1;
using Hub.Exchange.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Events;

/// <summary>Grant and data-resource changes as events: SUBSCRIBERs see all; the other party of a grant hears of it.</summary>
public sealed class ExchangeEventTests(PostgresCluster postgres) : IAsyncLifetime
{
    private ExchangeScenario _s = null!;

    public async ValueTask InitializeAsync() => _s = await ExchangeScenario.CreateAsync(postgres);

    public async ValueTask DisposeAsync() => await _s.DisposeAsync();

    [Fact]
    public async Task Registering_a_resource_and_requesting_deciding_and_revoking_a_grant_are_events_the_parties_hear_of()
    {
        _s.Clock.SetChinaDate(new DateOnly(2026, 11, 25));
        var subscriber = new EventService.EventServiceClient(_s.Hub.Channel(
            (await _s.Hub.RegisterCallerAsync("11610000MB0000001G", "supervision", DataLevel.L1Public, Role.Subscriber)).ApiKey));
        var resource = await _s.NewResourceAsync(SharingType.Conditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var grant = await _s.RequestGrantAsync(consumer, resource, "gender");
        await _s.DecideAsync(grant.GrantId, approve: true);
        await _s.Exchange(_s.ProviderKey).RevokeGrantAsync(new RevokeGrantRequest { RequestId = Guid.NewGuid().ToString(), GrantId = grant.GrantId, Reason = "项目结束" });

        var all = await EventReader.ReadAsync(subscriber, new SubscribeRequest(), 4);
        var provider = await EventReader.ReadAsync(new EventService.EventServiceClient(_s.Hub.Channel(_s.ProviderKey)), new SubscribeRequest(), 1);
        var consumers = await EventReader.ReadAsync(new EventService.EventServiceClient(_s.Hub.Channel(consumer)), new SubscribeRequest(), 2);

        Assert.Equal([EventTypes.DataResourceRegistered, EventTypes.GrantRequested, EventTypes.GrantDecided, EventTypes.GrantRevoked], all.Select(e => e.Type));
        Assert.Equal(resource, all[0].ObjectId);
        Assert.Equal(["PENDING", "APPROVED", "REVOKED"], all[1..].Select(e => e.Data["status"]));
        Assert.All(all[1..], e => Assert.Equal((grant.GrantId, resource), (e.ObjectId, e.Data["resource_code"])));
        Assert.Equal(EventTypes.GrantRequested, Assert.Single(provider).Type);           // a request waits for the provider
        Assert.Equal([EventTypes.GrantDecided, EventTypes.GrantRevoked], consumers.Select(e => e.Type)); // the consumer hears the answers
    }
}
