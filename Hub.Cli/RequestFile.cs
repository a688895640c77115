using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hub.Cli;

/// <summary>
/// A request written in a file, in JSON or YAML (by extension: <c>.yaml</c>/<c>.yml</c>, else JSON), with the field
/// names and enum values of the REST facade's JSON (docs/examples). YAML is read as the same JSON tree, so both spell
/// a request identically; anything the message does not have is refused with the file's name and the problem.
/// </summary>
internal static class RequestFile
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    public static async Task<T> ReadAsync<T>(FileInfo file, CancellationToken cancellationToken)
        where T : IMessage<T>, new()
    {
        if (!file.Exists)
        {
            throw new CliUsageException($"{file.FullName} does not exist.");
        }

        var text = await File.ReadAllTextAsync(file.FullName, cancellationToken);
        try
        {
            var json = file.Extension.ToLowerInvariant() is ".yaml" or ".yml" ? YamlToJson(text) : text;
            return Parser.Parse<T>(json);
        }
        catch (YamlException e)
        {
            throw new CliUsageException($"{file.Name}, line {e.Start.Line}: {e.Message}");
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw new CliUsageException($"{file.Name}: {e.Message}");
        }
    }

    private static string YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count != 1)
        {
            throw new FormatException("the file must hold exactly one YAML document");
        }

        return ToJson(stream.Documents[0].RootNode)?.ToJsonString() ?? "{}";
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(pair => KeyValuePair.Create(Key(pair.Key), ToJson(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new FormatException($"line {node.Start.Line}: YAML aliases and tags are not supported here"),
    };

    private static string Key(YamlNode key) =>
        key is YamlScalarNode { Value: { } name } ? name : throw new FormatException($"line {key.Start.Line}: a key must be a plain name");

    /// <summary>Plain scalars become what YAML 1.2's core schema says (null, true/false, numbers); quoted ones stay text.</summary>
    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => JsonValue.Create(integer),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(value),
        };
    }
}
