using System.Globalization;

namespace Hub.Signing.Identifiers;

/// <summary>
/// 公民身份号码 (GB 11643-1999): 6-digit address code, 8-digit birth date, 3-digit sequence and an
/// ISO 7064 MOD 11-2 check character ('X' for 10, stored upper-case).
/// </summary>
public static class CitizenIdNumber
{
    public const int Length = 18;
    private const string CheckCharacters = "10X98765432";

    // 2^(17-i) mod 11 for i = 0..16.
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

    // GB/T 2260 province-level codes, plus 81/82 (HK/Macao) and 83 (Taiwan) used by residence permits.
    private static readonly HashSet<string> ProvinceCodes =
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    ];

    /// <summary>Upper-cases the check character so a lower-case 'x' compares and indexes equal.</summary>
    public static string Normalize(string number) => number.Trim().ToUpperInvariant();

    /// <summary>Why <paramref name="number"/> is not a valid ID number, or null when it is.</summary>
    public static string? Problem(string? number, DateOnly? today = null)
    {
        if (string.IsNullOrEmpty(number) || number.Length != Length)
        {
            return $"must be {Length} characters";
        }

        for (var i = 0; i < Length - 1; i++)
        {
            if (!char.IsAsciiDigit(number[i]))
            {
                return "the first 17 characters must be digits";
            }
        }

        if (!char.IsAsciiDigit(number[^1]) && number[^1] != 'X')
        {
            return "the last character must be a digit or 'X'";
        }

        if (!ProvinceCodes.Contains(number[..2]))
        {
            return "the address code (first 6 digits) does not name a province";
        }

        if (!DateOnly.TryParseExact(number.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
            || birth.Year < 1850
            || (today is { } t && birth > t))
        {
            return "characters 7-14 are not a possible birth date";
        }

        var expected = CheckCharacter(number.AsSpan(0, Length - 1));
        return number[^1] == expected ? null : $"check character should be '{expected}'";
    }

    public static bool IsValid(string? number) => Problem(number) is null;

    public static char CheckCharacter(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < Length - 1; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckCharacters[sum % 11];
    }
}
