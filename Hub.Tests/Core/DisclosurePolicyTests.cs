using Hub.Common.V1;
using Hub.Core.Disclosure;

namespace Hub.Tests.Core;

/// <summary>The disclosure policy as a table (docs/disclosure-policy.md): field level × caller clearance × mask rule.</summary>
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
    [InlineData(DataLevel.L4HighlySensitive, DataLevel.L4HighlySensitive, MaskRule.KeepEnds, DisclosureDecision.Plain, "within-clearance")]
    public void Decide_ByLevelClearanceAndMask(DataLevel level, DataLevel clearance, MaskRule mask, DisclosureDecision expected, string rule)
    {
        var decision = DisclosurePolicy.Decide(new FieldSpec { Name = "f", Level = level, Mask = mask }, new DisclosureContext(clearance));

        Assert.Equal(expected, decision.Decision);
        Assert.Equal(rule, decision.Rule);
    }

    [Fact]
    public void Decide_IssuerAndHolderSeeEverything()
    {
        var l4 = new FieldSpec { Name = "f", Level = DataLevel.L4HighlySensitive, Mask = MaskRule.None };

        Assert.Equal("issuer-org", DisclosurePolicy.Decide(l4, DisclosureContext.Issuer(DataLevel.L1Public)).Rule);
        Assert.Equal("holder-self", DisclosurePolicy.Decide(l4, DisclosureContext.HolderPortal(DataLevel.L1Public)).Rule);
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
