using Grpc.Core;
using Hub.Catalogue.V1;
using Hub.Common.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Exchange;

/// <summary>Registering, finding and previewing shared data resources through the catalogue API.</summary>
public sealed class DataResourceTests(ExchangeScenarioFixture fixture) : IClassFixture<ExchangeScenarioFixture>
{
    private readonly ExchangeScenario _s = fixture.Scenario;

    [Fact]
    public async Task Register_IsIdempotentOnTheCode_AndRefusesOtherContentUnderIt()
    {
        var request = ExchangeScenario.ResourceRequest("TEST-REG-" + Guid.NewGuid().ToString("N")[..8], SharingType.Conditional, _s.Provider.Endpoint);

        var first = await _s.Catalogue().RegisterDataResourceAsync(request);
        var again = await _s.Catalogue().RegisterDataResourceAsync(request);
        request.Name = "另一个名称";

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(DataLevel.L4HighlySensitive, first.DataResource.MaxLevel);
        Assert.Equal(_s.Provider.Endpoint, first.DataResource.ProviderEndpoint);
        await RpcAssert.FailsAsync(StatusCode.AlreadyExists, () => _s.Catalogue().RegisterDataResourceAsync(request).ResponseAsync, "DATA_RESOURCE_EXISTS");
    }

    [Fact]
    public async Task Register_BadInput_IsInvalidArgument_WithEveryProblem()
    {
        var request = new RegisterDataResourceRequest
        {
            ResourceCode = "bad code!",
            Name = "测试",
            ProviderOrgCode = "91350100M000100Y40",  // wrong check character
            ProviderEndpoint = "ftp://provider.example/fetch",
            KeyKind = HolderIdType.CitizenId,
            SharingType = SharingType.NotShared,      // needs a legal basis
            UpdateCycle = UpdateCycle.Unspecified,
            Fields = { new FieldSpec { Name = "Name", Label = "姓名", Kind = FieldKind.String, Level = DataLevel.Unspecified, Mask = MaskRule.Name } },
        };

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => _s.Catalogue().RegisterDataResourceAsync(request).ResponseAsync);

        Assert.Equal(
            ["fields[0].level", "fields[0].name", "legal_basis", "provider_endpoint", "provider_org_code", "resource_code", "update_cycle"],
            RpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Register_NeedsTheCatalogueRole()
    {
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L4HighlySensitive);

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => _s.Catalogue(consumer).RegisterDataResourceAsync(
            ExchangeScenario.ResourceRequest("TEST-DENY-1", SharingType.Unconditional, _s.Provider.Endpoint)).ResponseAsync);
    }

    [Fact]
    public async Task GetAndList_ShowTheEndpointOnlyToThePlatformTeamAndTheProvider()
    {
        var code = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);

        var asConsumer = (await _s.Catalogue(consumer).GetDataResourceAsync(new GetDataResourceRequest { ResourceCode = code })).DataResource;
        var asProvider = (await _s.Catalogue(_s.ProviderKey).GetDataResourceAsync(new GetDataResourceRequest { ResourceCode = code })).DataResource;

        Assert.Equal(string.Empty, asConsumer.ProviderEndpoint);
        Assert.Equal(6, asConsumer.Fields.Count);
        Assert.Equal(_s.Provider.Endpoint, asProvider.ProviderEndpoint);
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => _s.Catalogue(consumer).GetDataResourceAsync(new GetDataResourceRequest { ResourceCode = "NO-SUCH" }).ResponseAsync, "DATA_RESOURCE_NOT_FOUND");
    }

    [Fact]
    public async Task List_SearchesByNameProviderLevelAndSharingType_Paged()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        var low = ExchangeScenario.ResourceRequest($"TEST-LIST-{tag}-1", SharingType.Unconditional, _s.Provider.Endpoint);
        low.Name = $"企业登记信息{tag}";
        low.Fields.RemoveAt(5);  // no L4 field: most sensitive is L3
        var high = ExchangeScenario.ResourceRequest($"TEST-LIST-{tag}-2", SharingType.Conditional, _s.Provider.Endpoint);
        high.Name = $"企业社保信息{tag}";
        await _s.Catalogue().RegisterDataResourceAsync(low);
        await _s.Catalogue().RegisterDataResourceAsync(high);

        var byName = await _s.Catalogue().ListDataResourcesAsync(new ListDataResourcesRequest { Name = tag, PageSize = 1 });
        var rest = await _s.Catalogue().ListDataResourcesAsync(new ListDataResourcesRequest { Name = tag, PageSize = 1, PageToken = byName.NextPageToken });
        var l4 = await _s.Catalogue().ListDataResourcesAsync(new ListDataResourcesRequest { Name = tag, Level = DataLevel.L4HighlySensitive });
        var conditional = await _s.Catalogue().ListDataResourcesAsync(new ListDataResourcesRequest { Name = "社保信息" + tag, SharingType = SharingType.Conditional });
        var otherProvider = await _s.Catalogue().ListDataResourcesAsync(new ListDataResourcesRequest { Name = tag, ProviderOrgCode = ExchangeScenario.OtherOrg });

        Assert.Equal([low.ResourceCode], byName.DataResources.Select(r => r.ResourceCode));
        Assert.Equal([high.ResourceCode], rest.DataResources.Select(r => r.ResourceCode));
        Assert.Equal(string.Empty, rest.NextPageToken);
        Assert.Equal([high.ResourceCode], l4.DataResources.Select(r => r.ResourceCode));
        Assert.Equal([high.ResourceCode], conditional.DataResources.Select(r => r.ResourceCode));
        Assert.Empty(otherProvider.DataResources);
    }

    [Fact]
    public async Task PreviewDisclosure_ShowsWhatACallerWouldSee_BeforeAnyGrant()
    {
        var code = await _s.NewResourceAsync(SharingType.Conditional);
        var (consumer, consumerId) = await _s.NewConsumerAsync(DataLevel.L2Internal);

        var everything = await _s.Catalogue().PreviewDisclosureAsync(new PreviewDisclosureRequest { CallerId = consumerId, ResourceCode = code });
        var named = await _s.Catalogue().PreviewDisclosureAsync(new PreviewDisclosureRequest { CallerId = consumerId, ResourceCode = code, Fields = { "name", "address" } });

        Assert.Equal(string.Empty, everything.GrantId);
        Assert.Equal(
            ["gender:PLAIN", "name:PLAIN", "address:MASKED", "phone:MASKED", "bank_card:MASKED", "health_note:WITHHELD"],
            everything.Disclosure.Select(d => $"{d.Field}:{d.Decision.ToString().ToUpperInvariant()}"));
        Assert.Equal(
            ["not-in-grant", "within-clearance", "one-level-above-clearance-masked", "not-in-grant", "not-in-grant", "not-in-grant"],
            named.Disclosure.Select(d => d.Rule));
        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => _s.Catalogue(consumer).PreviewDisclosureAsync(
            new PreviewDisclosureRequest { CallerId = consumerId, ResourceCode = code }).ResponseAsync);
    }

    [Fact]
    public async Task PreviewDisclosure_UsesTheCallersGrant_AndTheSharingType()
    {
        var code = await _s.NewResourceAsync(SharingType.Unconditional);
        var notShared = await _s.NewResourceAsync(SharingType.NotShared);
        var (consumer, consumerId) = await _s.NewConsumerAsync(DataLevel.L4HighlySensitive);
        var grant = await _s.RequestGrantAsync(consumer, code, "name", "health_note");

        var granted = await _s.Catalogue().PreviewDisclosureAsync(new PreviewDisclosureRequest { CallerId = consumerId, ResourceCode = code });
        var refused = await _s.Catalogue().PreviewDisclosureAsync(new PreviewDisclosureRequest { CallerId = consumerId, ResourceCode = notShared });

        Assert.Equal(grant.GrantId, granted.GrantId);
        Assert.Equal("l4-cleared-and-named", granted.Disclosure.Single(d => d.Field == "health_note").Rule);
        Assert.Equal("not-in-grant", granted.Disclosure.Single(d => d.Field == "phone").Rule);
        Assert.All(refused.Disclosure, d => Assert.Equal("not-shared", d.Rule));
        await RpcAssert.FailsAsync(StatusCode.NotFound, () => _s.Catalogue().PreviewDisclosureAsync(
            new PreviewDisclosureRequest { CallerId = Guid.NewGuid().ToString(), ResourceCode = code }).ResponseAsync, "CALLER_NOT_FOUND");
    }
}
