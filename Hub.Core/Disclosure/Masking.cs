using System.Globalization;
using Hub.Common.V1;

namespace Hub.Core.Disclosure;

/// <summary>
/// Mask rules (by text elements, so Chinese characters and emoji count as one): names keep the first character,
/// ID numbers keep the region (first 6) and the check character, phones keep 3 + 4, addresses keep the first 6,
/// bank cards keep the first and last 4, and the generic rule keeps the first and last character.
/// </summary>
public static class Masking
{
    public static string Apply(MaskRule rule, string value)
    {
        var chars = Elements(value);
        return rule switch
        {
            MaskRule.Name => Keep(chars, 1, 0),
            MaskRule.IdNumber => Keep(chars, 6, 1),
            MaskRule.Phone => Keep(chars, 3, 4),
            MaskRule.Address => Keep(chars, 6, 0),
            MaskRule.BankCard => Keep(chars, 4, 4),
            MaskRule.KeepEnds => Keep(chars, 1, 1),
            _ => new string('*', Math.Max(chars.Length, 1)),
        };
    }

    private static string Keep(string[] chars, int head, int tail)
    {
        if (chars.Length == 0)
        {
            return string.Empty;
        }

        // A value too short for the rule would be shown whole: then reveal at most half (the tail gives way first).
        if (head + tail >= chars.Length)
        {
            var most = chars.Length / 2;
            tail = Math.Min(tail, Math.Max(0, most - head));
            head = Math.Min(head, most - tail);
        }
        return string.Concat(chars.Take(head)) + new string('*', chars.Length - head - tail) + string.Concat(chars.Skip(chars.Length - tail));
    }

    private static string[] Elements(string value)
    {
        var list = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(value);
        while (enumerator.MoveNext())
        {
            list.Add(enumerator.GetTextElement());
        }

        return [.. list];
    }
}
