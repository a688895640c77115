using Hub.Adapters.Delegations;
using Hub.Adapters.Exemption;
using Hub.Common.V1;
using Hub.Delegations.V1;
using Hub.Licenses.V1;
using Hub.Server.Delegations;

namespace Hub.Tests.Unit;

/// <summary>委托授权's rules without a database: whose it is, whether it stands, what it covers — in that order.</summary>
[Trait("Category", "Unit")]
public sealed class DelegationRulesUnitTests
{
    private static readonly DateTimeOffset Granted = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Principal = [1, 2, 3];
    private static readonly byte[] Agent = [4, 5, 6];

    private static StoredDelegation Delegation(bool singleUse = false, int uses = 0, DelegationStatus status = DelegationStatus.Active) => new(
        Guid.CreateVersion7(), Principal, Agent, [], [], "李* 6101**1", ["LIC-1"], ["TYPE-A"], ["M-1"], ["出入境办证"],
        Granted, Granted.AddDays(30), singleUse, uses, status);

    private static DelegatedUse Use(string? matter = "M-1", string? purpose = "其他", HolderLicense? license = null, byte[]? by = null) =>
        new(Guid.Empty, Principal, by ?? Agent, matter, purpose, license);

    private static HolderLicense License(string identifier, string type) => new(
        identifier, type, 1, LicenseStatus.Valid, new DateOnly(2024, 1, 1), null, Granted, "ORG", "证", "王", Principal,
        new Dictionary<string, string>(), [], SharingType.Unconditional);

    [Fact]
    public void A_use_inside_the_scope_passes_and_each_way_out_of_it_has_its_reason()
    {
        var now = Granted.AddDays(1);
        Assert.Null(DelegationRules.Refusal(Delegation(), Use(), now));
        Assert.Null(DelegationRules.Refusal(Delegation(), Use(matter: "M-2", purpose: " 出入境办证 "), now)); // a named purpose is enough
        Assert.Null(DelegationRules.Refusal(Delegation(), Use(license: License("LIC-2", "TYPE-A")), now));   // a license of a named type

        Assert.Equal("DELEGATION_NOT_FOUND", DelegationRules.Refusal(Delegation(), Use() with { PrincipalIndex = [9] }, now)!.Reason);
        Assert.Equal("NOT_DELEGATE", DelegationRules.Refusal(Delegation(), Use(by: [9]), now)!.Reason);
        Assert.Equal("DELEGATION_OUT_OF_SCOPE", DelegationRules.Refusal(Delegation(), Use(matter: "M-2"), now)!.Reason);
        Assert.Equal("DELEGATION_OUT_OF_SCOPE", DelegationRules.Refusal(Delegation(), Use(license: License("LIC-3", "TYPE-B")), now)!.Reason);
        Assert.Equal("DELEGATION_EXPIRED", DelegationRules.Refusal(Delegation(), Use(), Granted.AddDays(30))!.Reason);
        Assert.Equal("DELEGATION_USED", DelegationRules.Refusal(Delegation(singleUse: true, uses: 1), Use(), now)!.Reason);
        Assert.Null(DelegationRules.Refusal(Delegation(singleUse: false, uses: 5), Use(), now));
        Assert.Equal("DELEGATION_REVOKED", DelegationRules.Refusal(Delegation(status: DelegationStatus.Revoked), Use(), now)!.Reason);
        Assert.Equal("DELEGATION_ENDED", DelegationRules.Refusal(Delegation(status: DelegationStatus.Ended), Use(), now)!.Reason);
    }

    [Fact]
    public void Another_principals_delegation_is_not_found_before_anything_about_it_is_told()
    {
        // Even revoked and out of scope, a stranger learns only that there is none for this principal.
        var refusal = DelegationRules.Refusal(Delegation(status: DelegationStatus.Revoked), Use(matter: "X") with { PrincipalIndex = [9] }, Granted);
        Assert.Equal("DELEGATION_NOT_FOUND", refusal!.Reason);
    }
}
