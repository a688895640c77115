using Hub.Common.V1;
using Hub.Core.Disclosure;

namespace Hub.Tests.Core;

/// <summary>The disclosure policy as a table (docs/disclosure-policy.md): field level × caller clearance × mask rule.</summary>
[Trait("Category", "Unit")]
public sealed class DisclosurePolicyTests
{
    [Theory]
    [InlineData(DataLevel.L1Public, DataLevel.L1Public, MaskRule.None, DisclosureDecision.Plain, "within-clearance")]
    [InlineData(DataLevel.L2Internal, DataLevel.L1Public, MaskRule.Name, DisclosureDecision.Masked, "one-level-above-clearance-masked")]
    [InlineData(DataLevel.L2Internal, DataLevel.L1Public, MaskRule.None, DisclosureDecision.Withheld, "above-clearance")]
    [InlineData(DataLevel.L3Sensitive, DataLevel.L1Public, MaskRule.IdNumber, DisclosureDecision.Withheld, "above-clearance")]
    [InlineData(DataLevel.L3Sensitive, DataLevel.L2Internal, MaskRule.IdNumber, DisclosureDecision.Masked, "one-level-above-clearance-masked")]
    [InlineData(DataLevel.L3Sensitive, DataLevel.L3Sensitive, MaskRule.IdNumber, DisclosureDecision.Plain, "within-clearance")]
    [InlineData(DataLevel.L4HighlySensitive, DataLevel.L3Sensitive, MaskRule.KeepEnds, DisclosureDecision.Withheld, "l4-needs-l4-clearance")]
    [InlineData(DataLevel.L4HighlySensitive, DataLevel.L4HighlySensitive, MaskRule.KeepEnds, DisclosureDecision.Masked, "l4-not-named")]
    [InlineData(DataLevel.L4HighlySensitive, DataLevel.L4HighlySensitive, MaskRule.None, DisclosureDecision.Withheld, "l4-not-named")]
    public void Decide_ByLevelClearanceAndMask(DataLevel level, DataLevel clearance, MaskRule mask, DisclosureDecision expected, string rule)
    {
        var decision = DisclosurePolicy.Decide(new FieldSpec { Name = "f", Level = level, Mask = mask }, new DisclosureContext(clearance));

        Assert.Equal(expected, decision.Decision);
        Assert.Equal(rule, decision.Rule);
    }

    /// <summary>Under a grant (or a matter's material): the named fields, the sharing type, and L4 only when named.</summary>
    [Theory]
    [InlineData(DataLevel.L1Public, DataLevel.L4HighlySensitive, SharingType.Unconditional, "f", DisclosureDecision.Plain, "within-clearance")]
    [InlineData(DataLevel.L1Public, DataLevel.L4HighlySensitive, SharingType.Conditional, "other", DisclosureDecision.Withheld, "not-in-grant")]
    [InlineData(DataLevel.L1Public, DataLevel.L4HighlySensitive, SharingType.NotShared, "f", DisclosureDecision.Withheld, "not-shared")]
    [InlineData(DataLevel.L4HighlySensitive, DataLevel.L4HighlySensitive, SharingType.Conditional, "f", DisclosureDecision.Plain, "l4-cleared-and-named")]
    [InlineData(DataLevel.L4HighlySensitive, DataLevel.L3Sensitive, SharingType.Conditional, "f", DisclosureDecision.Withheld, "l4-needs-l4-clearance")]
    [InlineData(DataLevel.L4HighlySensitive, DataLevel.L4HighlySensitive, SharingType.Conditional, "other", DisclosureDecision.Withheld, "not-in-grant")]
    [InlineData(DataLevel.L3Sensitive, DataLevel.L2Internal, SharingType.Unconditional, "f", DisclosureDecision.Masked, "one-level-above-clearance-masked")]
    [InlineData(DataLevel.L3Sensitive, DataLevel.L1Public, SharingType.Unconditional, "f", DisclosureDecision.Withheld, "above-clearance")]
    public void Decide_UnderAGrant(DataLevel level, DataLevel clearance, SharingType sharing, string named, DisclosureDecision expected, string rule)
    {
        var field = new FieldSpec { Name = "f", Level = level, Mask = MaskRule.KeepEnds };

        var decision = DisclosurePolicy.Decide(field, DisclosureContext.Named(clearance, sharing, [named]));

        Assert.Equal(expected, decision.Decision);
        Assert.Equal(rule, decision.Rule);
    }

    [Fact]
    public void Decide_NotSharedLicenseType_LeavesNothingToThirdParties_ButTheIssuerStillSeesIt()
    {
        var field = new FieldSpec { Name = "f", Level = DataLevel.L1Public, Mask = MaskRule.None };

        Assert.Equal("not-shared", DisclosurePolicy.Decide(field, DisclosureContext.License(DataLevel.L4HighlySensitive, SharingType.NotShared)).Rule);
        Assert.Equal("issuer-org", DisclosurePolicy.Decide(field, DisclosureContext.Issuer(DataLevel.L1Public)).Rule);
    }

    [Fact]
    public void Apply_DecidingAbsentFields_ReportsThemWithoutValues()
    {
        var fields = new[]
        {
            new FieldSpec { Name = "a", Level = DataLevel.L1Public, Mask = MaskRule.None },
            new FieldSpec { Name = "b", Level = DataLevel.L1Public, Mask = MaskRule.None },
        };

        var disclosed = DisclosurePolicy.Apply(fields, new Dictionary<string, string> { ["a"] = "1" }, DisclosureContext.Named(DataLevel.L1Public, SharingType.Unconditional, ["a", "b"]), decideAbsent: true);

        Assert.Equal(["a", "b"], disclosed.Decisions.Select(d => d.Field));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1" }, disclosed.Values);
    }

    [Fact]
    public void Decide_IssuerAndHolderSeeEverything()
    {
        var l4 = new FieldSpec { Name = "f", Level = DataLevel.L4HighlySensitive, Mask = MaskRule.None };

        Assert.Equal("issuer-org", DisclosurePolicy.Decide(l4, DisclosureContext.Issuer(DataLevel.L1Public)).Rule);
        Assert.Equal("holder-self", DisclosurePolicy.Decide(l4, DisclosureContext.HolderPortal(DataLevel.L1Public)).Rule);
        Assert.Equal("holder-presented", DisclosurePolicy.Decide(l4, DisclosureContext.HolderPresented(DataLevel.L1Public)).Rule);
    }

    [Fact]
    public void HolderFields_PersonsArePersonalData_OrganisationsArePublic()
    {
        Assert.Equal([DataLevel.L2Internal, DataLevel.L3Sensitive], DisclosurePolicy.HolderFields(organization: false).Select(f => f.Level));
        Assert.Equal([DataLevel.L1Public, DataLevel.L1Public], DisclosurePolicy.HolderFields(organization: true).Select(f => f.Level));
    }

    [Theory]
    [InlineData(MaskRule.Name, "张三", "张*")]
    [InlineData(MaskRule.Name, "欧阳娜娜", "欧***")]
    [InlineData(MaskRule.IdNumber, "11010519491231002X", "110105***********X")]
    [InlineData(MaskRule.Phone, "13812345678", "138****5678")]
    [InlineData(MaskRule.Address, "陕西省西安市雁塔区科技路1号", "陕西省西安市********")]
    [InlineData(MaskRule.BankCard, "6222021234567890123", "6222***********0123")]
    [InlineData(MaskRule.KeepEnds, "西安某某科技有限公司", "西********司")]
    [InlineData(MaskRule.KeepEnds, "ab", "a*")]
    [InlineData(MaskRule.Phone, "110", "1**")]
    public void Mask_KeepsOnlyWhatTheRuleAllows(MaskRule rule, string value, string expected) =>
        Assert.Equal(expected, Masking.Apply(rule, value));
}
