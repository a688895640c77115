using System.Text;

namespace Hub.Cli.Import;

/// <summary>
/// RFC 4180 CSV as Excel writes it: UTF-8 with or without a BOM, comma-separated, fields optionally in double quotes
/// (a quote inside doubled), CRLF or LF line ends, line breaks allowed inside quoted fields. Yields each record with
/// the file line it starts on.
/// </summary>
internal static class CsvRecords
{
    public static IEnumerable<(long Line, List<string> Fields)> Read(TextReader reader)
    {
        var line = 1L;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var atFieldStart = true;
        var recordLine = 1L;
        var any = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (ch == '\uFEFF' && line == 1 && !any)
            {
                continue;
            }

            any = true;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"' when atFieldStart:
                    quoted = true;
                    atFieldStart = false;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    atFieldStart = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    if (fields.Count > 1 || fields[0].Length > 0)
                    {
                        yield return (recordLine, fields);
                    }

                    fields = [];
                    atFieldStart = true;
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(ch);
                    atFieldStart = false;
                    break;
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (recordLine, fields);
        }
    }
}
