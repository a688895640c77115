using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Time;
using Hub.Exchange.V1;
using Hub.Server.Catalogue;
using Hub.Server.Exchange;
using Hub.Tests.Support;
using Hub.Tests.Support.Fakes;
using Microsoft.Extensions.Options;

namespace Hub.Tests.Unit;

/// <summary>The grant state machine without a database: requested, decided, overdue, revoked — and each change audited.</summary>
[Trait("Category", "Unit")]
public sealed class GrantDeskUnitTests
{
    private const string Provider = "11610100MB0000002X";
    private static readonly Caller Consumer = Make(Role.Consumer, "11610100MB0000001X");
    private static readonly Caller ProviderSystem = Make(Role.Provider, Provider);
    private static readonly Caller Stranger = Make(Role.Provider, "11610100MB0000003X");

    private readonly FakeExchangeStores _stores = new();
    private readonly FakeIdempotentRunner _runner = new();
    private readonly MovableClock _clock = new();
    private readonly ExchangeOptions _settings = new();
    private readonly GrantDesk _desk;

    public GrantDeskUnitTests()
    {
        _desk = new GrantDesk(_runner, _stores, _stores, Options.Create(_settings), _clock);
        Resource("R-COND", SharingType.Conditional);
        Resource("R-FREE", SharingType.Unconditional);
        Resource("R-NONE", SharingType.NotShared);
    }

    [Fact]
    public async Task Unconditional_IsApprovedAtOnce_ForTheRequestedDays()
    {
        var grant = (await RequestAsync("R-FREE")).Grant;

        Assert.Equal(GrantStatus.Approved, grant.Status);
        Assert.Equal(ChinaCalendar.ToDate(ChinaCalendar.Today(_clock).AddDays(_settings.DefaultGrantDays)), grant.ExpiresOn);
        Assert.Equal([AuditActions.ExchangeRequestGrant], _runner.Committed.Select(r => r.Action));
        Assert.Equal("APPROVED", _runner.Committed[0].Outcome);
    }

    [Fact]
    public async Task Conditional_WaitsForTheProvider_AndIsOverdueAfterItsWorkingDays()
    {
        var grant = (await RequestAsync("R-COND")).Grant;
        Assert.Equal(GrantStatus.Pending, grant.Status);

        _clock.SetChinaDate(ChinaCalendar.Today(_clock).AddDays(30));
        var stored = _stores.Grants[Guid.Parse(grant.GrantId)];
        Assert.Equal(GrantStatus.Overdue, stored.StatusOn(ChinaCalendar.Today(_clock)));

        // Overdue is still decidable: late, but the provider must answer.
        var decided = await _desk.DecideAsync(ProviderSystem, new DecideGrantCommand("d1", stored.GrantId, true, string.Empty, new DecideGrantRequest()), TestContext.Current.CancellationToken);
        Assert.False(decided.Failed, decided.Error?.Message);
        Assert.Equal(GrantStatus.Approved, decided.Value.Grant.Status);
    }

    [Fact]
    public async Task OnlyTheProvider_Decides_AndOnlyOnce()
    {
        var grantId = Guid.Parse((await RequestAsync("R-COND")).Grant.GrantId);

        var stranger = await _desk.DecideAsync(Stranger, new DecideGrantCommand("d1", grantId, true, string.Empty, new DecideGrantRequest()), TestContext.Current.CancellationToken);
        Assert.Equal(ReasonCodes.NotProviderOfResource, stranger.Error?.Reason);

        var rejected = await _desk.DecideAsync(ProviderSystem, new DecideGrantCommand("d2", grantId, false, "用途不符", new DecideGrantRequest()), TestContext.Current.CancellationToken);
        Assert.Equal(GrantStatus.Rejected, rejected.Value.Grant.Status);

        var again = await _desk.DecideAsync(ProviderSystem, new DecideGrantCommand("d3", grantId, true, string.Empty, new DecideGrantRequest()), TestContext.Current.CancellationToken);
        Assert.Equal(ReasonCodes.GrantNotPending, again.Error?.Reason);

        var revoke = await _desk.RevokeAsync(Consumer, new RevokeGrantCommand("r1", grantId, "不再需要", new RevokeGrantRequest()), TestContext.Current.CancellationToken);
        Assert.Equal(ReasonCodes.GrantNotActive, revoke.Error?.Reason);
    }

    [Fact]
    public async Task ASecondRequest_WhileOneWaits_IsRefused_AndNotShared_IsRefusedWithItsLegalBasis()
    {
        var first = await RequestAsync("R-COND");

        var second = await _desk.RequestAsync(Consumer, await CommandAsync("R-COND", "req-2"), TestContext.Current.CancellationToken);
        Assert.Equal(ReasonCodes.GrantAlreadyPending, second.Error?.Reason);
        Assert.Equal(first.Grant.GrantId, second.Error!.Metadata!["grant_id"]);

        var notShared = await _desk.RequestAsync(Consumer, await CommandAsync("R-NONE", "req-3"), TestContext.Current.CancellationToken);
        Assert.Equal(ReasonCodes.ResourceNotShared, notShared.Error?.Reason);
        Assert.Equal("《测试法》第一条", notShared.Error!.Metadata!["legal_basis"]);
    }

    [Fact]
    public async Task FieldsTheResourceDoesNotHave_AreInvalid_BeforeAnythingIsWritten()
    {
        var parsed = await RequestGrantCommand.ParseAsync(
            new RequestGrantRequest { RequestId = "r", ResourceCode = "R-COND", Purpose = "核验", Fields = { "name", "salary" } },
            _settings, _stores, _stores, TestContext.Current.CancellationToken);

        Assert.True(parsed.Failed);
        Assert.Equal(["fields[1]"], parsed.Error.Violations.Select(v => v.Field));
        Assert.Empty(_stores.Grants);
    }

    private async Task<RequestGrantResponse> RequestAsync(string resource)
    {
        var outcome = await _desk.RequestAsync(Consumer, await CommandAsync(resource, "req-1"), TestContext.Current.CancellationToken);
        Assert.False(outcome.Failed, outcome.Error?.Message);
        return outcome.Value;
    }

    private async Task<RequestGrantCommand> CommandAsync(string resource, string requestId)
    {
        var parsed = await RequestGrantCommand.ParseAsync(
            new RequestGrantRequest { RequestId = requestId, ResourceCode = resource, Purpose = "公租房资格审核", Fields = { "name" } },
            _settings, _stores, _stores, TestContext.Current.CancellationToken);
        Assert.False(parsed.Failed, parsed.Error?.Message);
        return parsed.Value;
    }

    private void Resource(string code, SharingType sharing) =>
        _stores.Resources[code] = new DataResourceDefinition(
            code, code, Provider, "http://127.0.0.1:1", HolderIdType.CitizenId,
            [new FieldSpec { Name = "name", Label = "姓名", Level = DataLevel.L2Internal }],
            sharing, string.Empty, "《测试法》第一条", UpdateCycle.Daily, DateTimeOffset.UnixEpoch);

    private static Caller Make(Role role, string org) => new(Guid.NewGuid(), org, org, "test", new HashSet<Role> { role }, DataLevel.L2Internal);
}
