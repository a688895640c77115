using Grpc.Core;
using Hub.Common.V1;
using Hub.Exchange.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Exchange;

/// <summary>
/// 供需对接 end to end: unconditional grants at once; conditional grants pending, approved, rejected, overdue, expired
/// and revoked, with the queries each allows or refuses; NOT_SHARED refused with its legal basis. The hub's clock is
/// moved, never waited for.
/// </summary>
public sealed class GrantLifecycleTests(ExchangeScenarioFixture fixture) : IClassFixture<ExchangeScenarioFixture>
{
    private readonly ExchangeScenario _s = fixture.Scenario;

    [Fact]
    public async Task Unconditional_IsGrantedAtOnce_ForADefaultYear()
    {
        _s.Clock.SetChinaDate(new DateOnly(2026, 11, 25));
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, consumerId) = await _s.NewConsumerAsync(DataLevel.L2Internal);

        var grant = await _s.RequestGrantAsync(consumer, resource, "gender", "name");

        Assert.Equal(GrantStatus.Approved, grant.Status);
        Assert.Equal(new Google.Type.Date { Year = 2027, Month = 11, Day = 25 }, grant.ExpiresOn);
        Assert.Equal(consumerId, grant.ConsumerCallerId);
        Assert.Equal(ExchangeScenario.ProviderOrg, grant.ProviderOrgCode);
        Assert.Equal("女", (await _s.QueryAsync(consumer, resource, _s.NewPerson())).Record["gender"]);
    }

    [Fact]
    public async Task Conditional_IsPendingUntilTheProviderApproves_DueInFiveWorkingDaysPastTheHolidays()
    {
        // Requested on Wednesday 30 September 2026: 1-7 October is the National Day holiday, Saturday 10 October a
        // make-up working day (appsettings.json), so the fifth working day is Tuesday 13 October.
        _s.Clock.SetChinaDate(new DateOnly(2026, 9, 30));
        var resource = await _s.NewResourceAsync(SharingType.Conditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var person = _s.NewPerson();

        var pending = await _s.RequestGrantAsync(consumer, resource, "gender", "name");

        Assert.Equal(GrantStatus.Pending, pending.Status);
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 10, Day = 13 }, pending.DueOn);
        Assert.Null(pending.ExpiresOn);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => _s.QueryAsync(consumer, resource, person), "GRANT_PENDING");
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _s.RequestGrantAsync(consumer, resource, "gender"), "GRANT_ALREADY_PENDING");

        var approved = await _s.DecideAsync(pending.GrantId, approve: true);

        Assert.Equal(GrantStatus.Approved, approved.Status);
        Assert.Equal(new Google.Type.Date { Year = 2027, Month = 9, Day = 30 }, approved.ExpiresOn);
        Assert.Equal("欧阳娜娜", (await _s.QueryAsync(consumer, resource, person)).Record["name"]);
        await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _s.DecideAsync(pending.GrantId, approve: false), "GRANT_NOT_PENDING");
    }

    [Fact]
    public async Task Conditional_NotDecidedByTheDueDate_IsOverdue_OnThePlatformTeamsList_AndCanStillBeDecided()
    {
        _s.Clock.SetChinaDate(new DateOnly(2026, 11, 2));  // Monday: due Monday 9 November
        var resource = await _s.NewResourceAsync(SharingType.Conditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var grant = await _s.RequestGrantAsync(consumer, resource, "gender");
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 11, Day = 9 }, grant.DueOn);

        _s.Clock.SetChinaDate(new DateOnly(2026, 11, 9));
        Assert.Equal(GrantStatus.Pending, await StatusAsync(grant.GrantId));
        _s.Clock.SetChinaDate(new DateOnly(2026, 11, 10));
        Assert.Equal(GrantStatus.Overdue, await StatusAsync(grant.GrantId));

        var overdue = await _s.Exchange(_s.CatalogueKey).ListGrantsAsync(new ListGrantsRequest { Status = GrantStatus.Overdue, ResourceCode = resource });
        Assert.Equal([grant.GrantId], overdue.Grants.Select(g => g.GrantId));
        Assert.Equal(GrantStatus.Rejected, (await _s.DecideAsync(grant.GrantId, approve: false)).Status);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => _s.QueryAsync(consumer, resource, _s.NewPerson()), "GRANT_REJECTED");
    }

    [Fact]
    public async Task Approved_StopsWorkingTheDayAfterItExpires_UntilRenewed()
    {
        _s.Clock.SetChinaDate(new DateOnly(2026, 11, 25));
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var person = _s.NewPerson();
        var grant = (await _s.Exchange(consumer).RequestGrantAsync(new RequestGrantRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ResourceCode = resource,
            Fields = { "gender" },
            Purpose = "试点期间核验",
            RequestedDays = 30,
        })).Grant;
        Assert.Equal(new Google.Type.Date { Year = 2026, Month = 12, Day = 25 }, grant.ExpiresOn);

        _s.Clock.SetChinaDate(new DateOnly(2026, 12, 25));
        Assert.Equal("女", (await _s.QueryAsync(consumer, resource, person)).Record["gender"]);
        _s.Clock.SetChinaDate(new DateOnly(2026, 12, 26));
        Assert.Equal(GrantStatus.Expired, await StatusAsync(grant.GrantId));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => _s.QueryAsync(consumer, resource, person), "GRANT_EXPIRED");

        var renewed = await _s.RequestGrantAsync(consumer, resource, "gender");
        Assert.Equal(GrantStatus.Approved, renewed.Status);
        Assert.Equal("女", (await _s.QueryAsync(consumer, resource, person)).Record["gender"]);
    }

    [Fact]
    public async Task Revoked_ByTheProvider_StopsQueriesAtOnce()
    {
        _s.Clock.SetChinaDate(new DateOnly(2026, 11, 25));
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var person = _s.NewPerson();
        var grant = await _s.RequestGrantAsync(consumer, resource, "gender");
        await _s.QueryAsync(consumer, resource, person);

        var revoked = (await _s.Exchange(_s.ProviderKey).RevokeGrantAsync(new RevokeGrantRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            GrantId = grant.GrantId,
            Reason = "发现超范围使用",
        })).Grant;

        Assert.Equal(GrantStatus.Revoked, revoked.Status);
        Assert.Equal("发现超范围使用", revoked.RevokeReason);
        var denied = await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => _s.QueryAsync(consumer, resource, person), "GRANT_REVOKED");
        Assert.Contains("发现超范围使用", denied.Status.Detail, StringComparison.Ordinal);
        await RpcAssert.FailsAsync(
            StatusCode.FailedPrecondition,
            () => _s.Exchange(consumer).RevokeGrantAsync(new RevokeGrantRequest { RequestId = Guid.NewGuid().ToString(), GrantId = grant.GrantId, Reason = "不再需要" }).ResponseAsync,
            "GRANT_NOT_ACTIVE");
    }

    [Fact]
    public async Task NotShared_IsRefused_WithItsLegalBasis()
    {
        var resource = await _s.NewResourceAsync(SharingType.NotShared);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L4HighlySensitive);

        var error = await RpcAssert.FailsAsync(StatusCode.FailedPrecondition, () => _s.RequestGrantAsync(consumer, resource, "gender"), "RESOURCE_NOT_SHARED");

        Assert.Contains("《中华人民共和国个人信息保护法》第十三条", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("《中华人民共和国个人信息保护法》第十三条", error.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>().Metadata["legal_basis"]);
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => _s.QueryAsync(consumer, resource, _s.NewPerson()), "RESOURCE_NOT_SHARED");
        Assert.DoesNotContain(_s.Provider.State.Requests, r => r.ResourceCode == resource);
    }

    [Fact]
    public async Task OnlyTheResourcesProvider_Decides()
    {
        var resource = await _s.NewResourceAsync(SharingType.Conditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var grant = await _s.RequestGrantAsync(consumer, resource, "gender");

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => _s.DecideAsync(grant.GrantId, approve: true, _s.OtherProviderKey), "NOT_PROVIDER_OF_RESOURCE");
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => _s.DecideAsync(grant.GrantId, approve: true, consumer));
        Assert.Equal(GrantStatus.Pending, await StatusAsync(grant.GrantId));
    }

    [Fact]
    public async Task ListGrants_ConsumersSeeTheirOwn_ProvidersTheirResources_ThePlatformTeamAll()
    {
        var resource = await _s.NewResourceAsync(SharingType.Conditional);
        var (first, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var (second, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var mine = await _s.RequestGrantAsync(first, resource, "gender");
        var theirs = await _s.RequestGrantAsync(second, resource, "name");

        var asConsumer = await _s.Exchange(first).ListGrantsAsync(new ListGrantsRequest { ResourceCode = resource });
        var asProvider = await _s.Exchange(_s.ProviderKey).ListGrantsAsync(new ListGrantsRequest { ResourceCode = resource });
        var asOtherProvider = await _s.Exchange(_s.OtherProviderKey).ListGrantsAsync(new ListGrantsRequest { ResourceCode = resource });
        var asPlatform = await _s.Exchange(_s.CatalogueKey).ListGrantsAsync(new ListGrantsRequest { ResourceCode = resource, PageSize = 1 });

        Assert.Equal([mine.GrantId], asConsumer.Grants.Select(g => g.GrantId));
        Assert.Equal([theirs.GrantId, mine.GrantId], asProvider.Grants.Select(g => g.GrantId));
        Assert.Empty(asOtherProvider.Grants);
        Assert.Equal([theirs.GrantId], asPlatform.Grants.Select(g => g.GrantId));
        var next = await _s.Exchange(_s.CatalogueKey).ListGrantsAsync(new ListGrantsRequest { ResourceCode = resource, PageSize = 1, PageToken = asPlatform.NextPageToken });
        Assert.Equal([mine.GrantId], next.Grants.Select(g => g.GrantId));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => _s.Exchange(first).ListGrantsAsync(new ListGrantsRequest { Scope = GrantScope.All }).ResponseAsync, "SCOPE_NOT_ALLOWED");
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => _s.Exchange(second).GetGrantAsync(new GetGrantRequest { GrantId = mine.GrantId }).ResponseAsync, "GRANT_NOT_FOUND");
    }

    [Fact]
    public async Task RequestGrant_BadInput_IsInvalidArgument_AndNothingIsStored()
    {
        var resource = await _s.NewResourceAsync(SharingType.Conditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => _s.Exchange(consumer).RequestGrantAsync(new RequestGrantRequest
        {
            RequestId = Guid.NewGuid().ToString(),
            ResourceCode = resource,
            Fields = { "gender", "gender", "salary" },
            MatterCodes = { "NO-SUCH-MATTER" },
            RequestedDays = 4000,
        }).ResponseAsync);

        Assert.Equal(["fields[1]", "fields[2]", "matter_codes[0]", "purpose", "requested_days"], RpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));
        Assert.Empty((await _s.Exchange(consumer).ListGrantsAsync(new ListGrantsRequest())).Grants);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => _s.RequestGrantAsync(consumer, "NO-SUCH-RESOURCE", "gender"), "DATA_RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task GrantChanges_AreAudited()
    {
        var resource = await _s.NewResourceAsync(SharingType.Conditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var grant = await _s.RequestGrantAsync(consumer, resource, "gender");
        await _s.DecideAsync(grant.GrantId, approve: true);

        var entries = (await _s.Audit.QueryAccessLogAsync(new Hub.Audit.V1.QueryAccessLogRequest { Action = "exchange.DecideGrant" })).Entries;

        var entry = Assert.Single(entries, e => e.ObjectId == grant.GrantId);
        Assert.Equal("APPROVED", entry.Outcome);
        Assert.Equal([resource + ".gender"], entry.Fields);
    }

    private async Task<GrantStatus> StatusAsync(string grantId) =>
        (await _s.Exchange(_s.CatalogueKey).GetGrantAsync(new GetGrantRequest { GrantId = grantId })).Grant.Status;
}
