using Hub.Core.Validation;

namespace Hub.Tests.Core;

[Trait("Category", "Unit")]
public sealed class PageRequestTests
{
    [Theory]
    [InlineData(0, 50)]
    [InlineData(1, 1)]
    [InlineData(500, 500)]
    public void Parse_SizesInRange_AreAccepted(int requested, int expected)
    {
        var violations = new Violations();
        Assert.Equal(expected, PageRequest.Parse(requested, null, violations).Size);
        Assert.False(violations.Any);
    }

    [Theory]
    [InlineData(501)]
    [InlineData(-1)]
    public void Parse_SizeOutOfRange_IsAFieldViolation(int requested)
    {
        var violations = new Violations();
        PageRequest.Parse(requested, null, violations);
        Assert.Equal("page_size", Assert.Single(violations.Items).Field);
    }

    [Fact]
    public void Parse_TokenRoundTrips_AndForgedTokensAreRefused()
    {
        var violations = new Violations();
        Assert.Equal("cursor:42", PageRequest.Parse(10, PageRequest.EncodeToken("cursor:42"), violations).Cursor);
        PageRequest.Parse(10, "not-a-token!", violations);
        PageRequest.Parse(10, new string('A', 600), violations);
        Assert.Equal(["page_token", "page_token"], violations.Items.Select(v => v.Field));
    }

    [Fact]
    public void Text_TooLongOrControlCharacters_AreViolations()
    {
        var violations = new Violations();
        violations.Text("a", new string('x', 201), 200);
        violations.Text("b", "line\nbreak", 200);
        violations.Text("c", "  ", 200);
        Assert.Equal(["a", "b", "c"], violations.Items.Select(v => v.Field));
    }
}
