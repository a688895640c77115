using System.Globalization;
using System.Text;

namespace Hub.Cli;

/// <summary>
/// A plain-text table whose columns line up on a terminal with Chinese names in them: widths are counted in terminal
/// cells (East Asian wide and full-width characters take two, combining marks none), not in UTF-16 units.
/// </summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Longest a cell may be, in terminal cells, before it is cut with "…" (keeps rows on one line).</summary>
    public int MaxCellWidth { get; init; } = 40;

    public void Add(params string[] cells) => _rows.Add(cells);

    public void WriteTo(TextWriter output)
    {
        var rows = _rows.Select(r => r.Select(c => Cut(c ?? string.Empty, MaxCellWidth)).ToArray()).ToList();
        var widths = headers.Select((h, i) => Math.Max(Width(h), rows.Select(r => i < r.Length ? Width(r[i]) : 0).DefaultIfEmpty(0).Max())).ToArray();
        Line(output, headers, widths);
        foreach (var row in rows)
        {
            Line(output, row, widths);
        }
    }

    /// <summary>The number of terminal cells <paramref name="text"/> takes.</summary>
    public static int Width(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            width += Width(rune);
        }

        return width;
    }

    private static int Width(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format)
        {
            return 0;
        }

        var v = rune.Value;
        var wide = v is (>= 0x1100 and <= 0x115F) or (>= 0x2E80 and <= 0x303E) or (>= 0x3041 and <= 0x33FF)
            or (>= 0x3400 and <= 0x4DBF) or (>= 0x4E00 and <= 0x9FFF) or (>= 0xA000 and <= 0xA4CF) or (>= 0xAC00 and <= 0xD7A3)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0xFE30 and <= 0xFE4F) or (>= 0xFF00 and <= 0xFF60) or (>= 0xFFE0 and <= 0xFFE6)
            or (>= 0x1F300 and <= 0x1F64F) or (>= 0x20000 and <= 0x3FFFD);
        return wide ? 2 : 1;
    }

    private static string Cut(string text, int max)
    {
        if (Width(text) <= max)
        {
            return text;
        }

        var cut = new StringBuilder();
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (width + Width(rune) > max - 1)
            {
                break;
            }

            cut.Append(rune.ToString());
            width += Width(rune);
        }

        return cut.Append('…').ToString();
    }

    private static void Line(TextWriter output, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : string.Empty;
            line.Append(cell);
            if (i < widths.Length - 1)
            {
                line.Append(' ', widths[i] - Width(cell) + 2);
            }
        }

        output.WriteLine(line.ToString().TrimEnd());
    }
}
