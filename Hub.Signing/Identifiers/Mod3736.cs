namespace Hub.Signing.Identifiers;

/// <summary>ISO/IEC 7064 MOD 37,36 (hybrid system), alphabet 0-9A-Z, as GB/T 17710 and GB/T 36904 use it.</summary>
public static class Mod3736
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public static char CheckCharacter(string input)
    {
        var p = 36;
        foreach (var c in input)
        {
            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new ArgumentException($"'{c}' is outside 0-9A-Z", nameof(input));
            }

            var s = (p + value) % 36;
            if (s == 0)
            {
                s = 36;
            }

            p = s * 2 % 37;
        }

        return Alphabet[(37 - p) % 36];
    }

    public static bool IsValid(string inputWithCheck)
    {
        if (inputWithCheck.Length < 2)
        {
            return false;
        }

        return CheckCharacter(inputWithCheck[..^1]) == inputWithCheck[^1];
    }
}
