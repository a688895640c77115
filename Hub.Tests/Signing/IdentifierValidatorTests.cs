using Hub.Signing.Identifiers;

namespace Hub.Tests.Signing;

[Trait("Category", "Unit")]
public sealed class IdentifierValidatorTests
{
    [Theory]
    [InlineData("91350100M000100Y43")] // standard sample (go-gb, hutool)
    [InlineData("11610100MB0000000J")] // computed here: the hub's default bootstrap org
    [InlineData("91610131MA6U000013")] // computed here
    public void Uscc_ValidCodes_Pass(string code) => Assert.Null(UnifiedSocialCreditCode.Problem(code));

    [Theory]
    [InlineData("914403001922038217", "check character should be '6'")]
    [InlineData("91350100M000100YI3", "not allowed")]
    [InlineData("91350100m000100y43", "not allowed")]
    [InlineData("9135010", "18 characters")]
    [InlineData("9135A100M000100Y43", "must be digits")]
    public void Uscc_InvalidCodes_ExplainWhy(string code, string expected) =>
        Assert.Contains(expected, UnifiedSocialCreditCode.Problem(code), StringComparison.Ordinal);

    [Fact]
    public void Uscc_EverySingleCharacterChange_IsCaught()
    {
        const string valid = "91350100M000100Y43";
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        for (var i = 0; i < valid.Length; i++)
        {
            foreach (var c in alphabet.Where(c => c != valid[i]))
            {
                var changed = valid[..i] + c + valid[(i + 1)..];
                Assert.False(UnifiedSocialCreditCode.IsValid(changed), changed);
            }
        }
    }

    [Theory]
    [InlineData("11010519491231002X")] // the standard's example
    [InlineData("610102199001011231")] // computed here: Xi'an Xincheng, 1990-01-01
    public void CitizenId_ValidNumbers_Pass(string number) => Assert.Null(CitizenIdNumber.Problem(number));

    [Theory]
    [InlineData("110105194912310021", "should be 'X'")]
    [InlineData("110105194912310029", "should be 'X'")]
    [InlineData("110105194902310028", "birth date")]
    [InlineData("001105194912310021", "province")]
    [InlineData("11010519491231002", "18 characters")]
    [InlineData("1101051949123100AX", "digits")]
    public void CitizenId_InvalidNumbers_ExplainWhy(string number, string expected) =>
        Assert.Contains(expected, CitizenIdNumber.Problem(number), StringComparison.Ordinal);

    [Fact]
    public void CitizenId_FutureBirthDate_IsRefused() =>
        Assert.Contains("birth date", CitizenIdNumber.Problem("110105204912310026", new DateOnly(2026, 11, 25)), StringComparison.Ordinal);
}
