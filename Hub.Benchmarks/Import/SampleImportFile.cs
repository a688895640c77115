using System.Globalization;
using System.Text;
using System.Text.Json;
using Hub.Benchmarks.Load;
using Hub.Server.Demo;

namespace Hub.Benchmarks.Import;

/// <summary>
/// <c>sample-import --rows N --out FILE [--format jsonl|csv] [--bad-every N] [--prefix P]</c>: writes an import file
/// of synthetic 不动产权证书 (the embedded demo's real-estate type, issued by its issuer-realestate caller) for trying
/// <c>hubctl licenses import</c> and for measuring it. Every holder ID is a valid GB 11643 number; with
/// <c>--bad-every N</c> every Nth row has a wrong check character, so the rejects file has something to show.
/// </summary>
internal static class SampleImportFile
{
    public static int Run(string[] args, TextWriter output)
    {
        string? Value(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        var rows = int.Parse(Value("--rows") ?? "100000", CultureInfo.InvariantCulture);
        var path = Value("--out") ?? "licenses.jsonl";
        var csv = (Value("--format") ?? (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "jsonl")) == "csv";
        var badEvery = int.Parse(Value("--bad-every") ?? "0", CultureInfo.InvariantCulture);
        var prefix = Value("--prefix") ?? "XA-BDC-2015";
        Write(path, rows, csv, badEvery, prefix, DemoCatalogue.RealEstateCertificate, "XA-BDC-DJXT");
        output.WriteLine($"wrote {rows} rows to {path}");
        return 0;
    }

    public static void Write(string path, int rows, bool csv, int badEvery, string prefix, string typeCode, string sourceSystem)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(csv));
        if (csv)
        {
            writer.WriteLine("type_code,license_number,holder_name,holder_id_type,holder_id_number,valid_from,valid_until,issued_on,source_system,face.property_address,face.area,face.usage,face.right_type");
        }

        for (var n = 0; n < rows; n++)
        {
            var id = HubUnderLoad.CitizenId(n);
            if (badEvery > 0 && n % badEvery == badEvery - 1)
            {
                id = id[..17] + (id[17] == '0' ? '1' : '0');
            }

            var issued = new DateOnly(2008, 1, 1).AddDays(n % 5000).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var number = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{n:0000000}");
            var address = string.Create(CultureInfo.InvariantCulture, $"陕西省西安市雁塔区科技路{n % 300 + 1}号{n % 30 + 1}栋{n % 2000 + 101}室");
            var area = string.Create(CultureInfo.InvariantCulture, $"{60 + n % 120}.{n % 100:00}");
            if (csv)
            {
                writer.WriteLine($"{typeCode},{number},业主{n % 1000},CITIZEN_ID,{id},{issued},,{issued},{sourceSystem},\"{address}\",{area},住宅,国有建设用地使用权/房屋所有权");
            }
            else
            {
                writer.WriteLine(JsonSerializer.Serialize(new
                {
                    type_code = typeCode,
                    license_number = number,
                    holder = new { name = $"业主{n % 1000}", id_type = "CITIZEN_ID", id_number = id },
                    valid_from = issued,
                    issued_on = issued,
                    source_system = sourceSystem,
                    face = new Dictionary<string, string> { ["property_address"] = address, ["area"] = area, ["usage"] = "住宅", ["right_type"] = "国有建设用地使用权/房屋所有权" },
                }, Relaxed));
            }
        }
    }

    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
