using System.Text.Json.Nodes;
using System.Xml.Linq;
using Google.Api;
using Google.Protobuf.Reflection;

namespace Hub.Server.Infrastructure.Rest;

/// <summary>
/// JSON Schemas (OpenAPI 3.1) of the contract's messages, as the REST facade reads and writes them, built from the
/// protobuf descriptors themselves — so the document cannot drift from the contract — with the field comments of
/// protos/ (from the generated XML docs) as descriptions, <c>google.api.field_behavior = REQUIRED</c> as
/// <c>required</c>, and an example of every message made from realistic values.
/// </summary>
internal sealed class OpenApiSchemas
{
    private const int ExampleDepth = 4;

    private readonly Dictionary<string, string> _comments;

    public OpenApiSchemas(IReadOnlyDictionary<string, string> comments) => _comments = new(comments, StringComparer.Ordinal);

    /// <summary>Every schema referenced so far, by component name.</summary>
    public JsonObject Components { get; } = [];

    /// <summary>The generated XML documentation of the contracts (protos' comments), by member id; empty when absent.</summary>
    public static IReadOnlyDictionary<string, string> LoadComments()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "Hub.Contracts.xml");
        if (!File.Exists(file))
        {
            return new Dictionary<string, string>();
        }

        return XDocument.Load(file).Descendants("member")
            .Where(m => m.Attribute("name") is not null && m.Element("summary") is not null)
            // Methods by name alone ("M:….ExemptionServiceBase.CheckMatter"): their overloads share a comment.
            .GroupBy(m => m.Attribute("name")!.Value.Split('(')[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(' ', g.First().Element("summary")!.Value.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)), StringComparer.Ordinal);
    }

    public string? Comment(string memberId) => _comments.GetValueOrDefault(memberId);

    /// <summary>A reference to the message's schema, adding it (and what it uses) to the components.</summary>
    public JsonObject Reference(MessageDescriptor message)
    {
        var name = message.FullName;
        if (!Components.ContainsKey(name))
        {
            Components[name] = null; // placeholder against recursion
            Components[name] = Message(message, static _ => false);
        }

        return new JsonObject { ["$ref"] = "#/components/schemas/" + name };
    }

    /// <summary>The message's schema without the fields <paramref name="left"/> names (those a route takes from its path).</summary>
    public JsonObject Message(MessageDescriptor message, Func<FieldDescriptor, bool> left)
    {
        if (WellKnown(message) is { } known)
        {
            return known;
        }

        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var field in message.Fields.InDeclarationOrder().Where(f => !left(f)))
        {
            properties[field.JsonName] = Field(field);
            if (IsRequired(field))
            {
                required.Add(field.JsonName);
            }
        }

        var schema = new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = properties };
        if (required.Count > 0)
        {
            schema["required"] = required;
        }

        var oneofs = message.Oneofs.Where(o => !o.IsSynthetic).Select(o => $"at most one of {string.Join(", ", o.Fields.Select(f => f.JsonName))}").ToList();
        var description = string.Join(" ", new[] { Comment("T:" + ClrName(message)) }.Concat(oneofs.Select(o => $"({o})")).OfType<string>());
        if (description.Length > 0)
        {
            schema["description"] = description;
        }

        return schema;
    }

    public static bool IsRequired(FieldDescriptor field) =>
        field.GetOptions()?.GetExtension(FieldBehaviorExtensions.FieldBehavior)?.Contains(FieldBehavior.Required) == true;

    /// <summary>The schema of one field: its kind, repeated or map, with its comment.</summary>
    public JsonObject Field(FieldDescriptor field)
    {
        JsonObject schema;
        if (field.IsMap)
        {
            schema = new JsonObject { ["type"] = "object", ["additionalProperties"] = Single(field.MessageType.FindFieldByNumber(2)) };
        }
        else if (field.IsRepeated)
        {
            schema = new JsonObject { ["type"] = "array", ["items"] = Single(field) };
        }
        else
        {
            schema = Single(field);
        }

        if (Comment("P:" + ClrName(field.ContainingType) + "." + field.PropertyName) is { } comment)
        {
            // A $ref with siblings is valid in OpenAPI 3.1 (JSON Schema 2020-12).
            schema["description"] = comment;
        }

        return schema;
    }

    private JsonObject Single(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => new JsonObject { ["type"] = "string" },
        FieldType.Bool => new JsonObject { ["type"] = "boolean" },
        FieldType.Bytes => new JsonObject { ["type"] = "string", ["contentEncoding"] = "base64" },
        FieldType.Double or FieldType.Float => new JsonObject { ["type"] = "number" },
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
        FieldType.UInt32 or FieldType.Fixed32 => new JsonObject { ["type"] = "integer", ["format"] = "int32", ["minimum"] = 0 },
        FieldType.UInt64 or FieldType.Fixed64 => new JsonObject { ["type"] = "integer", ["format"] = "int64", ["minimum"] = 0 },
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => new JsonObject { ["type"] = "integer", ["format"] = "int64" },
        FieldType.Enum => EnumReference(field.EnumType),
        _ => Reference(field.MessageType),
    };

    private JsonObject EnumReference(EnumDescriptor type)
    {
        var name = type.FullName;
        if (!Components.ContainsKey(name))
        {
            // The names responses carry, then the short names requests may use as well (any case is accepted too).
            var values = new JsonArray([.. type.Values.Select(v => v.Name).Concat(RestJsonChecker.ShortNames(type)).Distinct(StringComparer.Ordinal).Select(n => (JsonNode)JsonValue.Create(n))]);
            Components[name] = new JsonObject
            {
                ["type"] = "string",
                ["enum"] = values,
                ["description"] = $"{Comment("T:" + ClrName(type)) ?? type.Name} Responses carry the full names; requests may use the short ones, in any case.",
            };
        }

        return new JsonObject { ["$ref"] = "#/components/schemas/" + name };
    }

    private static JsonObject? WellKnown(MessageDescriptor message) => message.FullName switch
    {
        "google.protobuf.Timestamp" => new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "RFC 3339, e.g. 2026-12-01T09:30:00Z" },
        "google.protobuf.Duration" => new JsonObject { ["type"] = "string", ["description"] = "seconds with an s suffix, e.g. 1.5s" },
        "google.protobuf.Any" => new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["@type"] = new JsonObject { ["type"] = "string" } }, ["required"] = new JsonArray("@type") },
        "google.type.Date" => new JsonObject
        {
            ["description"] = "A calendar date: requests may give \"YYYY-MM-DD\"; responses give {year, month, day}.",
            ["oneOf"] = new JsonArray(
                new JsonObject { ["type"] = "string", ["format"] = "date" },
                new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["properties"] = new JsonObject
                    {
                        ["year"] = new JsonObject { ["type"] = "integer" },
                        ["month"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 12 },
                        ["day"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = 31 },
                    },
                }),
        },
        _ => null,
    };

    /// <summary>An example of the message with realistic values, only the first member of each oneof, nested a few levels.</summary>
    public static JsonObject Example(MessageDescriptor message, Func<FieldDescriptor, bool> left, bool request, int depth = 0)
    {
        var example = new JsonObject();
        foreach (var field in message.Fields.InDeclarationOrder().Where(f => !left(f)))
        {
            if (field.RealContainingOneof is { } oneof && oneof.Fields[0] != field)
            {
                continue;
            }

            if (request && !IsRequired(field) && depth == 0 && !OpenApiExamples.UsefulOptional.Contains(field.Name))
            {
                continue;
            }

            if (ExampleValue(field, request, depth) is { } value)
            {
                example[field.JsonName] = value;
            }
        }

        return example;
    }

    private static JsonNode? ExampleValue(FieldDescriptor field, bool request, int depth)
    {
        if (field.IsMap)
        {
            return new JsonObject { ["enterprise_name"] = "西安曲江物业服务有限公司", ["legal_representative"] = "陈杰" };
        }

        var single = SingleExample(field, request, depth);
        return single is null ? null : field.IsRepeated ? new JsonArray(single) : single;
    }

    private static JsonNode? SingleExample(FieldDescriptor field, bool request, int depth)
    {
        if (OpenApiExamples.ByFieldName.TryGetValue(field.Name, out var known) && field.FieldType is FieldType.String or FieldType.Enum
            && (field.FieldType == FieldType.String || field.EnumType.FindValueByName(known) is not null))
        {
            return JsonValue.Create(known);
        }

        return field.FieldType switch
        {
            FieldType.String => JsonValue.Create(field.Name.Replace('_', ' ')),
            FieldType.Bool => JsonValue.Create(true),
            FieldType.Bytes => JsonValue.Create("TUlJQg=="),
            FieldType.Double or FieldType.Float => JsonValue.Create(1.5),
            FieldType.Enum => JsonValue.Create(field.EnumType.Values.FirstOrDefault(v => v.Number != 0)?.Name ?? field.EnumType.Values[0].Name),
            FieldType.Message => MessageExample(field.MessageType, request, depth),
            _ => JsonValue.Create(OpenApiExamples.NumberFor(field.Name)),
        };
    }

    private static JsonNode? MessageExample(MessageDescriptor message, bool request, int depth) => message.FullName switch
    {
        "google.protobuf.Timestamp" => JsonValue.Create("2026-12-01T09:30:00Z"),
        "google.protobuf.Duration" => JsonValue.Create("1.5s"),
        "google.protobuf.Any" => new JsonObject { ["@type"] = "type.googleapis.com/google.rpc.ErrorInfo" },
        "google.type.Date" => request ? JsonValue.Create("2026-12-01") : new JsonObject { ["year"] = 2026, ["month"] = 12, ["day"] = 1 },
        _ when depth >= ExampleDepth => null,
        _ => Example(message, static _ => false, request, depth + 1),
    };

    /// <summary>"Hub.Licenses.V1.License" as the XML documentation names it (nested types with '.').</summary>
    private static string ClrName(MessageDescriptor message) => message.ClrType?.FullName?.Replace('+', '.') ?? message.FullName;

    private static string ClrName(EnumDescriptor type) => type.ClrType?.FullName?.Replace('+', '.') ?? type.FullName;
}
