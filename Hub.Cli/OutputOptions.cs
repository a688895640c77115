using System.CommandLine;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Hub.Cli;

/// <summary>
/// How read commands print: <c>--output text</c> (tables and labelled lines for people) or <c>--output json</c> (the
/// response message in the protobuf JSON mapping, every field present, for scripts and <c>jq</c>: the REST facade's
/// field names and enum names; 64-bit numbers are strings, as that mapping has them); and in which time zone: Asia/Shanghai
/// (UTC+8, no daylight saving) by default, UTC with <c>--utc</c>. Every time printed carries its offset.
/// </summary>
internal sealed class OutputOptions
{
    private static readonly TimeSpan ShanghaiOffset = TimeSpan.FromHours(8);

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    private static readonly JsonFormatter OneLine = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    public Option<string> Format { get; } = new("--output", "-o")
    {
        Description = "text (default) or json: a read command's response as protobuf JSON (every field), for scripts",
        DefaultValueFactory = _ => "text",
        Recursive = true,
    };

    public Option<bool> Utc { get; } = new("--utc")
    {
        Description = "Print times in UTC instead of Asia/Shanghai (UTC+8)",
        Recursive = true,
    };

    public OutputOptions() => Format.AcceptOnlyFromAmong("text", "json");

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Format);
        root.Options.Add(Utc);
    }

    public bool IsJson(ParseResult parsed) => parsed.GetValue(Format) == "json";

    /// <summary>Prints the response as JSON with <c>--output json</c>, else as <paramref name="text"/> writes it.</summary>
    public void Write(ParseResult parsed, CliEnvironment environment, IMessage response, Action text, bool oneLine = false)
    {
        if (IsJson(parsed))
        {
            environment.Out.WriteLine((oneLine ? OneLine : Formatter).Format(response));
        }
        else
        {
            text();
        }
    }

    /// <summary>A time with its offset: <c>2026-12-02 22:50:31 +08:00</c>, or <c>2026-12-02 14:50:31 UTC</c> with --utc.</summary>
    public string Time(ParseResult parsed, Timestamp? timestamp) =>
        timestamp is null ? "—" : Time(parsed, timestamp.ToDateTimeOffset());

    public string Time(ParseResult parsed, DateTimeOffset time) =>
        parsed.GetValue(Utc)
            ? time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC"
            : time.ToOffset(ShanghaiOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " +08:00";

    /// <summary>The zone the times of a table are in, for its header.</summary>
    public string ZoneLabel(ParseResult parsed) => parsed.GetValue(Utc) ? "UTC" : "Asia/Shanghai";
}
