using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Common.V1;
using Hub.Licenses.V1;

namespace Hub.Cli.Import;

/// <summary>A row of the file: the record to send, or why it cannot be sent (the hub never sees it).</summary>
internal sealed record ImportRow(long Line, ImportRecord? Record, string? Field, string? Problem);

/// <summary>
/// Reads an import file, JSONL or CSV, into <see cref="ImportRecord"/>s numbered by their file line. What the hub
/// validates (identifiers, faces, types) is left to it; here only what cannot be put on the wire is refused: a line
/// that is not JSON, a date that is not <c>YYYY-MM-DD</c>, an unknown holder id type, a CSV row of the wrong width.
/// </summary>
internal static class ImportFile
{
    public const string Jsonl = "jsonl";
    public const string Csv = "csv";

    private static readonly string[] CsvColumns =
        ["type_code", "license_number", "holder_name", "holder_id_type", "holder_id_number", "valid_from", "valid_until", "issued_on", "source_system"];

    public static string FormatOf(string path, string? format) =>
        format?.ToLowerInvariant() ?? (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? Csv : Jsonl);

    /// <summary>Counts the rows without building records (for progress and ETA).</summary>
    public static long Count(string path, string format)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        return format == Csv ? Math.Max(0, CsvRecords.Read(reader).LongCount() - 1) : CountJsonl(reader);
    }

    public static IEnumerable<ImportRow> Read(string path, string format)
    {
        var reader = new StreamReader(path, Encoding.UTF8);
        return format == Csv ? ReadCsv(reader) : ReadJsonl(reader);
    }

    private static long CountJsonl(StreamReader reader)
    {
        var count = 0L;
        while (reader.ReadLine() is { } line)
        {
            count += string.IsNullOrWhiteSpace(line) ? 0 : 1;
        }

        return count;
    }

    private static IEnumerable<ImportRow> ReadJsonl(StreamReader reader)
    {
        using (reader)
        {
            var number = 0L;
            while (reader.ReadLine() is { } line)
            {
                number++;
                if (!string.IsNullOrWhiteSpace(line))
                {
                    yield return ParseJson(number, line);
                }
            }
        }
    }

    private static ImportRow ParseJson(long line, string text)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return new ImportRow(line, null, "(line)", $"is not a JSON object: {e.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new ImportRow(line, null, "(line)", "is not a JSON object");
        }

        string Text(JsonElement parent, string name) =>
            parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

        var holder = root.TryGetProperty("holder", out var h) && h.ValueKind == JsonValueKind.Object ? h : default;
        var face = new Dictionary<string, string>();
        if (root.TryGetProperty("face", out var faceElement) && faceElement.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in faceElement.EnumerateObject())
            {
                face[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }

        return Build(
            line,
            Text(root, "type_code"),
            Text(root, "license_number"),
            holder.ValueKind == JsonValueKind.Object ? Text(holder, "name") : string.Empty,
            holder.ValueKind == JsonValueKind.Object ? Text(holder, "id_type") : string.Empty,
            holder.ValueKind == JsonValueKind.Object ? Text(holder, "id_number") : string.Empty,
            Text(root, "valid_from"),
            Text(root, "valid_until"),
            Text(root, "issued_on"),
            Text(root, "source_system"),
            face);
    }

    private static IEnumerable<ImportRow> ReadCsv(StreamReader reader)
    {
        using (reader)
        {
            List<string>? header = null;
            foreach (var (line, fields) in CsvRecords.Read(reader))
            {
                if (header is null)
                {
                    header = [.. fields.Select(f => f.Trim())];
                    var missing = CsvColumns.Where(c => !header.Contains(c)).ToList();
                    var unknown = header.Where(c => !CsvColumns.Contains(c) && !c.StartsWith("face.", StringComparison.Ordinal)).ToList();
                    if (missing.Count > 0 || unknown.Count > 0)
                    {
                        throw new FormatException(
                            $"line 1: the CSV header must name {string.Join(",", CsvColumns)},face.<field>…" +
                            (missing.Count > 0 ? $"; missing: {string.Join(", ", missing)}" : string.Empty) +
                            (unknown.Count > 0 ? $"; unknown: {string.Join(", ", unknown)}" : string.Empty));
                    }

                    continue;
                }

                if (fields.Count != header.Count)
                {
                    yield return new ImportRow(line, null, "(line)", $"has {fields.Count} columns; the header has {header.Count}");
                    continue;
                }

                string Column(string name) => fields[header.IndexOf(name)].Trim();
                var face = new Dictionary<string, string>();
                for (var i = 0; i < header.Count; i++)
                {
                    if (header[i].StartsWith("face.", StringComparison.Ordinal) && fields[i].Trim().Length > 0)
                    {
                        face[header[i]["face.".Length..]] = fields[i].Trim();
                    }
                }

                yield return Build(
                    line, Column("type_code"), Column("license_number"), Column("holder_name"), Column("holder_id_type"), Column("holder_id_number"),
                    Column("valid_from"), Column("valid_until"), Column("issued_on"), Column("source_system"), face);
            }
        }
    }

    private static ImportRow Build(
        long line, string typeCode, string number, string holderName, string holderIdType, string holderIdNumber,
        string validFrom, string validUntil, string issuedOn, string sourceSystem, Dictionary<string, string> face)
    {
        var record = new ImportRecord
        {
            Sequence = (ulong)line,
            TypeCode = typeCode,
            LicenseNumber = number,
            SourceSystem = sourceSystem,
            Face = { face },
        };
        var idType = CliEnums.Parse<HolderIdType>(holderIdType);
        if (idType == HolderIdType.Unspecified)
        {
            return new ImportRow(line, null, "holder.id_type", $"'{holderIdType}' is not a holder id type (USCC, CITIZEN_ID, PASSPORT, HK_MACAO_PERMIT, TAIWAN_PERMIT, FOREIGN_PERMANENT_ID)");
        }

        record.Holder = new Holder { Name = holderName, IdType = idType, IdNumber = holderIdNumber };
        foreach (var (field, text, required) in new[] { ("valid_from", validFrom, true), ("valid_until", validUntil, false), ("issued_on", issuedOn, true) })
        {
            if (text.Length == 0)
            {
                if (required)
                {
                    return new ImportRow(line, null, field, "is required (YYYY-MM-DD)");
                }

                continue;
            }

            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return new ImportRow(line, null, field, $"'{text}' is not a date (YYYY-MM-DD)");
            }

            var date = new Google.Type.Date { Year = day.Year, Month = day.Month, Day = day.Day };
            switch (field)
            {
                case "valid_from": record.ValidFrom = date; break;
                case "valid_until": record.ValidUntil = date; break;
                default: record.IssuedOn = date; break;
            }
        }

        return new ImportRow(line, record, null, null);
    }
}
