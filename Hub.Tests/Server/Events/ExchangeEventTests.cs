using Hub.Common.V1;
using Hub.Core.Events;
using Hub.Events.V1;
using Hub.Exchange.V1;
using Hub.Server.Infrastructure.Hosting;
using Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task A_grant_left_undecided_past_its_due_date_and_one_past_its_expiry_are_events_once()
    {
        var notices = _s.Hub.Services.GetRequiredService<DateNoticeService>();
        _s.Clock.SetChinaDate(new DateOnly(2026, 11, 25));
        await notices.RunOnceAsync(CancellationToken.None); // starts the watermarks today
        var subscriber = new EventService.EventServiceClient(_s.Hub.Channel(
            (await _s.Hub.RegisterCallerAsync("11610000MB0000001G", "supervision", DataLevel.L1Public, Role.Subscriber)).ApiKey));
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var pending = await _s.RequestGrantAsync(consumer, await _s.NewResourceAsync(SharingType.Conditional), "gender");
        var approved = await _s.RequestGrantAsync(consumer, await _s.NewResourceAsync(SharingType.Unconditional), "gender");

        _s.Clock.SetChinaDate(new DateOnly(2026, 12, 3));  // the day after the due date (2 December)
        await notices.RunOnceAsync(CancellationToken.None);
        _s.Clock.SetChinaDate(new DateOnly(2027, 11, 27)); // past the approved grant's expiry (25 November 2027)
        await notices.RunOnceAsync(CancellationToken.None);
        await notices.RunOnceAsync(CancellationToken.None);

        var filter = new EventFilter { EventTypes = { EventTypes.GrantOverdue, EventTypes.GrantExpired } };
        var all = await EventReader.ReadAsync(subscriber, new SubscribeRequest { Filter = filter }, 3, TimeSpan.FromSeconds(4));
        var provider = await EventReader.ReadAsync(new EventService.EventServiceClient(_s.Hub.Channel(_s.ProviderKey)), new SubscribeRequest { Filter = filter }, 2, TimeSpan.FromSeconds(3));

        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 12, Day = 2 }, pending.DueOn);
        Assert.Equal(new Google.Type.Date { Year = 2027, Month = 11, Day = 25 }, approved.ExpiresOn);
        Assert.Equal(
            [(EventTypes.GrantOverdue, pending.GrantId, "OVERDUE"), (EventTypes.GrantExpired, approved.GrantId, "EXPIRED")],
            all.Select(e => (e.Type, e.ObjectId, e.Data["status"])));
        Assert.Equal(EventTypes.GrantOverdue, Assert.Single(provider).Type); // the overdue request waits for the provider
    }
}
