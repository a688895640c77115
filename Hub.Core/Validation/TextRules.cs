using System.Globalization;
using System.Text;

namespace Hub.Core.Validation;

/// <summary>
/// What text from outside may contain. Control characters break storage (PostgreSQL refuses NUL) and logs; format
/// characters — bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), zero-width spaces and joiners,
/// the byte-order mark — and line separators let a purpose or a name display as something it is not in an audit view.
/// Letters of every plane stay allowed: rare characters in names (CJK Extension B and beyond) are surrogate pairs, and
/// legacy systems write some in the private use area.
/// </summary>
public static class TextRules
{
    /// <summary>True when the text has no control, format, separator-line or unpaired surrogate characters.</summary>
    public static bool IsPlain(string text, bool allowLineBreaks = false)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (!IsPlain(rune, allowLineBreaks))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPlain(Rune rune, bool allowLineBreaks)
    {
        if (allowLineBreaks && rune.Value is '\n' or '\r' or '\t')
        {
            return true;
        }

        // EnumerateRunes yields U+FFFD for an unpaired surrogate; the replacement character itself is never legitimate input.
        return rune != Rune.ReplacementChar && Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate => false,
            _ => true,
        };
    }
}
