using System.Text.Json.Nodes;
using Hub.Signing.Json;

namespace Hub.Tests.Signing;

[Trait("Category", "Unit")]
public sealed class CanonicalJsonTests
{
    [Fact]
    public void Serialize_SortsMembersByUtf16CodeUnits_AndDropsWhitespace()
    {
        // RFC 8785 §3.2.3 sorting example.
        var json = "{\"\\u20ac\": \"Euro Sign\", \"\\r\": \"Carriage Return\", \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\", \"1\": \"One\", \"\\ud83d\\ude00\": \"Emoji: Grinning Face\", \"\\u0080\": \"Control\", \"\\u00f6\": \"Latin Small Letter O With Diaeresis\"}";

        var canonical = CanonicalJson.Canonicalize(json);

        Assert.Equal("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}", canonical);
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("-0", "0")]
    [InlineData("1E30", "1e+30")]
    [InlineData("4.50", "4.5")]
    [InlineData("2e-3", "0.002")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("333333333.33333329", "333333333.3333333")]
    [InlineData("123456789012345678901", "123456789012345680000")]
    [InlineData("9007199254740992", "9007199254740992")]
    public void Numbers_UseTheEcmaScriptForm(string input, string expected) =>
        Assert.Equal(expected, CanonicalJson.Canonicalize(input));

    [Fact]
    public void Strings_EscapeOnlyWhatMustBe()
    {
        var node = new JsonObject { ["s"] = "引号\"反斜杠\\换行\n\u0001</script>" };

        Assert.Equal("{\"s\":\"引号\\\"反斜杠\\\\换行\\n\\u0001</script>\"}", CanonicalJson.Serialize(node));
    }

    [Fact]
    public void Canonicalize_DuplicateMembers_AreRefused() =>
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => CanonicalJson.Canonicalize("{\"a\":1,\"a\":2}"));
}
