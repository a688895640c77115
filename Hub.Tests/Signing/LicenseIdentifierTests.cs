using Hub.Signing.Identifiers;

namespace Hub.Tests.Signing;

[Trait("Category", "Unit")]
public sealed class LicenseIdentifierTests
{
    [Theory]
    [InlineData("A12425GABC1234002", 'M')] // ISO 7064 public vector
    [InlineData("RABD", 'A')]
    public void Mod3736_PublicVectors(string input, char expected) => Assert.Equal(expected, Mod3736.CheckCharacter(input));

    [Theory]
    [InlineData("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.001.F")] // national shared-data sample
    [InlineData("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U")] // MOHURD example
    public void TryParse_RealIdentifiers_AreValid(string text)
    {
        Assert.True(LicenseIdentifier.TryParse(text, out var identifier, out var problem), problem);
        Assert.Equal(text, identifier.ToString());
    }

    [Fact]
    public void TryParse_TamperedSerial_FailsTheCheckCharacter()
    {
        Assert.False(LicenseIdentifier.TryParse("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430598.001.F", out _, out var problem));
        Assert.Contains("check character", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.2.156.3003.2.11100000000013338W032.11220000013544541J.2430599.001.F", "root")]
    [InlineData("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.F", "five parts")]
    [InlineData("1.2.156.3005.2.11100000000013338W03.11220000013544541J.2430599.001.F", "type code")]
    [InlineData("1.2.156.3005.2.11100000000013338W032.11220000013544541J.2430599.000.F", "version")]
    [InlineData("1.2.156.3005.2.11100000000013338W032.11220000013544541J.abc.001.F", "serial")]
    public void TryParse_Malformed_SaysWhichPart(string text, string expected)
    {
        Assert.False(LicenseIdentifier.TryParse(text, out _, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_CheckCoversTypeIssuerSerialAndVersion_NotTheRoot()
    {
        var identifier = new LicenseIdentifier("11100000000013338W011", "11430000006122244L", "20230000403", 1);
        Assert.Equal('U', identifier.Check); // the root in the check input would give '7'
        Assert.NotEqual(identifier.Check, identifier.WithVersion(2).Check);
        Assert.True(LicenseIdentifier.TryParse(identifier.WithVersion(2).ToString(), out _, out _));
    }

    [Fact]
    public void The_remembered_text_form_changes_neither_equality_nor_what_another_version_writes()
    {
        var made = new LicenseIdentifier("11100000000013338W011", "11430000006122244L", "20230000403", 1);
        Assert.True(LicenseIdentifier.TryParse(made.ToString(), out var parsed, out _));
        var fresh = new LicenseIdentifier("11100000000013338W011", "11430000006122244L", "20230000403", 1);

        Assert.Equal(made.ToString(), parsed.ToString());
        Assert.Equal(fresh, parsed);
        Assert.Equal(fresh.GetHashCode(), parsed.GetHashCode());

        var next = parsed.WithVersion(2);
        Assert.NotEqual(parsed, next);
        Assert.EndsWith("." + next.Check, next.ToString(), StringComparison.Ordinal);
        Assert.Contains(".002.", next.ToString(), StringComparison.Ordinal);
        Assert.Equal(next, new LicenseIdentifier("11100000000013338W011", "11430000006122244L", "20230000403", 2));
    }
}
