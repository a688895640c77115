namespace Hub.Signing.Identifiers;

/// <summary>
/// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-symbol alphabet (no I, O, S, V, Z), the last a
/// check character with weights 3^(i) mod 31.
/// </summary>
public static class UnifiedSocialCreditCode
{
    public const int Length = 18;
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    // 3^i mod 31 for i = 0..16.
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    /// <summary>Why <paramref name="code"/> is not a valid USCC, or null when it is.</summary>
    public static string? Problem(string? code)
    {
        if (string.IsNullOrEmpty(code) || code.Length != Length)
        {
            return $"must be {Length} characters";
        }

        var sum = 0;
        for (var i = 0; i < Length; i++)
        {
            var value = Alphabet.IndexOf(code[i], StringComparison.Ordinal);
            if (value < 0)
            {
                return $"character {i + 1} ('{code[i]}') is not allowed (digits and upper-case letters except I, O, S, V, Z)";
            }

            if (i is >= 2 and <= 7 && value > 9)
            {
                return "characters 3-8 (the registering authority's region code) must be digits";
            }

            if (i < Length - 1)
            {
                sum += value * Weights[i];
            }
        }

        var expected = CheckCharacter(code.AsSpan(0, Length - 1));
        return code[^1] == expected ? null : $"check character should be '{expected}'";
    }

    public static bool IsValid(string? code) => Problem(code) is null;

    /// <summary>The check character for the first 17 characters (which must already be in the alphabet).</summary>
    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < Length - 1; i++)
        {
            sum += Alphabet.IndexOf(first17[i]) * Weights[i];
        }

        return Alphabet[(31 - (sum % 31)) % 31];
    }
}
