using Grpc.Core;
using Hub.Audit.V1;
using Hub.Common.V1;
using Hub.Exchange.V1;
using Hub.Benchmarks.Load;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Exchange;

/// <summary>
/// Brokered queries against a real provider on loopback: the same record as callers of each clearance and grant see
/// it, what the provider is asked, every disclosure in the audit log, and the provider down, slow, flaky or busy.
/// </summary>
public sealed class BrokeredQueryTests(ExchangeScenarioFixture fixture) : IClassFixture<ExchangeScenarioFixture>
{
    private static readonly string[] AllFields = ["gender", "name", "address", "phone", "bank_card", "health_note"];
    private readonly ExchangeScenario _s = fixture.Scenario;

    public static TheoryData<DataLevel, string?, string?, string?, string?, string?> ByClearance => new()
    {
        // clearance, name, address, phone, bank_card, health_note (null: withheld)
        { DataLevel.L1Public, "欧***", null, null, null, null },
        { DataLevel.L2Internal, "欧阳娜娜", "陕西省西安市********", "138****5678", "6222***********0123", null },
        { DataLevel.L3Sensitive, "欧阳娜娜", "陕西省西安市雁塔区科技路1号", "13812345678", "6222021234567890123", null },
        { DataLevel.L4HighlySensitive, "欧阳娜娜", "陕西省西安市雁塔区科技路1号", "13812345678", "6222021234567890123", "慢性病长期用药" },
    };

    [Theory]
    [MemberData(nameof(ByClearance))]
    public async Task Query_SameRecord_IsDisclosedByClearance(DataLevel clearance, string? name, string? address, string? phone, string? bankCard, string? health)
    {
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await _s.NewConsumerAsync(clearance);
        await _s.RequestGrantAsync(consumer, resource, AllFields);
        var person = _s.NewPerson();

        var answer = await _s.QueryAsync(consumer, resource, person);

        Assert.Equal("女", answer.Record["gender"]);
        Assert.Equal(name, answer.Record.GetValueOrDefault("name"));
        Assert.Equal(address, answer.Record.GetValueOrDefault("address"));
        Assert.Equal(phone, answer.Record.GetValueOrDefault("phone"));
        Assert.Equal(bankCard, answer.Record.GetValueOrDefault("bank_card"));
        Assert.Equal(health, answer.Record.GetValueOrDefault("health_note"));
        Assert.False(answer.Record.ContainsKey("unlisted"));  // not a field of the resource: dropped
        Assert.Equal(AllFields, answer.Disclosure.Select(d => d.Field));
        Assert.Equal(health is null ? "l4-needs-l4-clearance" : "l4-cleared-and-named", answer.Disclosure.Single(d => d.Field == "health_note").Rule);
    }

    [Fact]
    public async Task Query_FieldsTheGrantDoesNotName_AreWithheldAndNeverAskedOfTheProvider()
    {
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L4HighlySensitive);
        await _s.RequestGrantAsync(consumer, resource, "gender", "name");
        var person = _s.NewPerson();

        var answer = await _s.QueryAsync(consumer, resource, person, "name", "address", "health_note");

        Assert.Equal(new Dictionary<string, string> { ["name"] = "欧阳娜娜" }, answer.Record);
        Assert.Equal(["within-clearance", "not-in-grant", "not-in-grant"], answer.Disclosure.Select(d => d.Rule));
        var asked = _s.Provider.State.Requests.Last(r => r.Key == person);
        Assert.Equal(["name"], asked.Fields);
        Assert.Equal(ExchangeScenario.ConsumerOrg, asked.ConsumerOrgCode);
        Assert.Equal(answer.GrantId, asked.GrantId);
    }

    [Fact]
    public async Task Query_WithheldByClearance_IsNotFetched()
    {
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L1Public);
        await _s.RequestGrantAsync(consumer, resource, AllFields);
        var person = _s.NewPerson();

        await _s.QueryAsync(consumer, resource, person);

        Assert.Equal(["gender", "name"], _s.Provider.State.Requests.Last(r => r.Key == person).Fields);
    }

    [Fact]
    public async Task Query_EveryDisclosureIsAudited_ByFieldNameAndHolderIndexOnly()
    {
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, consumerId) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        var grant = await _s.RequestGrantAsync(consumer, resource, AllFields);
        var person = _s.NewPerson();

        var answer = await _s.QueryAsync(consumer, resource, person);

        var entries = (await _s.Audit.QueryAccessLogAsync(new QueryAccessLogRequest
        {
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = person },
            Action = "exchange.Query",
        })).Entries;
        var entry = Assert.Single(entries);
        Assert.Equal(answer.Receipt.LogIndex, entry.LogIndex);
        Assert.Equal(answer.Receipt.EntryJson, entry.EntryJson);
        Assert.Equal(consumerId, entry.CallerId);
        Assert.Equal(resource, entry.ObjectId);
        Assert.Equal("最低生活保障资格审核", entry.Purpose);
        Assert.Equal(["gender", "name", "address", "phone", "bank_card"], entry.Fields);
        Assert.Equal("FOUND:" + grant.GrantId, entry.Outcome);
        Assert.DoesNotContain(person, entry.EntryJson, StringComparison.Ordinal);
        Assert.DoesNotContain("欧阳", entry.EntryJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_NoRecord_IsNotFound_AndTheLookupIsStillAudited()
    {
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        await _s.RequestGrantAsync(consumer, resource, AllFields);
        var stranger = TestPeople.NewCitizenId();

        await RpcAssert.FailsAsync(StatusCode.NotFound, () => _s.QueryAsync(consumer, resource, stranger), "RECORD_NOT_FOUND");

        var entry = Assert.Single((await _s.Audit.QueryAccessLogAsync(new QueryAccessLogRequest
        {
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = stranger },
        })).Entries);
        Assert.StartsWith("NOT_FOUND:", entry.Outcome, StringComparison.Ordinal);
        Assert.Empty(entry.Fields);
    }

    [Fact]
    public async Task Query_AppearsInTheHoldersAccessHistory()
    {
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        await _s.RequestGrantAsync(consumer, resource, AllFields);
        var person = _s.NewPerson();

        await _s.QueryAsync(consumer, resource, person);

        var history = await _s.Audit.GetHolderAccessHistoryAsync(new GetHolderAccessHistoryRequest
        {
            Holder = new Holder { IdType = HolderIdType.CitizenId, IdNumber = person },
        });
        Assert.Contains(history.Entries, e => e.Action == "exchange.Query" && e.Purpose == "最低生活保障资格审核");
    }

    [Fact]
    public async Task Query_Retried_ReturnsTheFirstAnswer_WithoutAskingTheProviderAgain()
    {
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        await _s.RequestGrantAsync(consumer, resource, AllFields);
        var person = _s.NewPerson();
        var request = new QueryRequest { RequestId = Guid.NewGuid().ToString(), ResourceCode = resource, Key = person, Purpose = "核验" };

        var first = await _s.Exchange(consumer).QueryAsync(request);
        var again = await _s.Exchange(consumer).QueryAsync(request);

        Assert.Equal(first, again);
        Assert.Single(_s.Provider.State.Requests, r => r.Key == person);
    }

    [Fact]
    public async Task Query_WithoutGrant_IsPermissionDenied_NamingWhy()
    {
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L3Sensitive);

        await RpcAssert.FailsAsync(StatusCode.PermissionDenied, () => _s.QueryAsync(consumer, resource, _s.NewPerson()), "NO_GRANT");
    }

    [Fact]
    public async Task Query_BadInput_IsInvalidArgument_WithEveryField()
    {
        var resource = await _s.NewResourceAsync(SharingType.Unconditional);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L3Sensitive);
        var valid = TestPeople.NewCitizenId();
        var wrongCheck = valid[..17] + (valid[17] == '1' ? '2' : '1');

        var error = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => _s.Exchange(consumer).QueryAsync(new QueryRequest
        {
            RequestId = "q-1",
            ResourceCode = resource,
            Key = wrongCheck,
            Fields = { "salary" },           // not a field
            MatterCode = "NO-SUCH-MATTER",
        }).ResponseAsync);

        Assert.Equal(["fields[0]", "key", "matter_code", "purpose"], RpcAssert.ViolatedFields(error).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Query_ProviderDown_IsUnavailable_NamingTheProvider()
    {
        var resource = await _s.NewResourceAsync(SharingType.Unconditional, LoopbackProvider.DeadEndpoint);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        await _s.RequestGrantAsync(consumer, resource, AllFields);

        var error = await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _s.QueryAsync(consumer, resource, _s.NewPerson()), "PROVIDER_UNAVAILABLE");

        Assert.Contains(ExchangeScenario.ProviderOrg, error.Status.Detail, StringComparison.Ordinal);
        var info = error.GetRpcStatus()!.GetDetail<Google.Rpc.ErrorInfo>();
        Assert.Equal(ExchangeScenario.ProviderOrg, info.Metadata["provider_org_code"]);
    }

    [Fact]
    public async Task Query_ProviderUnavailableOnce_IsRetried()
    {
        await using var flaky = await LoopbackProvider.StartAsync();
        var resource = await _s.NewResourceAsync(SharingType.Unconditional, flaky.Endpoint);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        await _s.RequestGrantAsync(consumer, resource, AllFields);
        var person = TestPeople.NewCitizenId();
        flaky.State.Records[person] = new Dictionary<string, string> { ["gender"] = "男" };
        flaky.State.FailuresBeforeSuccess = 2;

        var answer = await _s.QueryAsync(consumer, resource, person);

        Assert.Equal("男", answer.Record["gender"]);
        Assert.Equal(3, flaky.State.Requests.Count);
    }

    [Fact]
    public async Task Query_ProviderTooSlow_IsUnavailableAfterTheDeadline()
    {
        await using var slow = await LoopbackProvider.StartAsync();
        var resource = await _s.NewResourceAsync(SharingType.Unconditional, slow.Endpoint);
        var (consumer, _) = await _s.NewConsumerAsync(DataLevel.L2Internal);
        await _s.RequestGrantAsync(consumer, resource, AllFields);
        var person = TestPeople.NewCitizenId();
        slow.State.Records[person] = new Dictionary<string, string> { ["gender"] = "男" };
        slow.State.Delay = TimeSpan.FromSeconds(10);

        var error = await RpcAssert.FailsAsync(StatusCode.Unavailable, () => _s.QueryAsync(consumer, resource, person), "PROVIDER_TIMEOUT");

        Assert.Contains("1500 ms", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_ManyAtOnce_StayWithinTheProvidersConcurrencyLimit()
    {
        await using var provider = await LoopbackProvider.StartAsync();
        await using var scenario = await ExchangeScenario.CreateAsync(fixture.Postgres, new Dictionary<string, string?>
        {
            ["Hub:Exchange:ProviderConcurrency"] = "2",
            ["Hub:Exchange:ProviderDeadlineMilliseconds"] = "10000",
        });
        var resource = await scenario.NewResourceAsync(SharingType.Unconditional, provider.Endpoint);
        var (consumer, _) = await scenario.NewConsumerAsync(DataLevel.L2Internal);
        await scenario.RequestGrantAsync(consumer, resource, AllFields);
        var person = TestPeople.NewCitizenId();
        provider.State.Records[person] = new Dictionary<string, string> { ["gender"] = "男" };
        provider.State.Delay = TimeSpan.FromMilliseconds(100);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => scenario.QueryAsync(consumer, resource, person)));

        Assert.All(answers, a => Assert.Equal("男", a.Record["gender"]));
        Assert.Equal(8, provider.State.Requests.Count);
        Assert.Equal(2, provider.State.MaxInFlight);
    }
}
