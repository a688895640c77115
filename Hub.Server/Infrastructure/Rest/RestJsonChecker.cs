using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;
using Hub.Core.Contracts;
using Hub.Core.Errors;

namespace Hub.Server.Infrastructure.Rest;

/// <summary>
/// Checks a REST request's JSON against the message it becomes, before the JSON transcoder sees it, so that every
/// mistake a client can make gets a field violation with its JSON path and a reason instead of the transcoder's
/// .NET message: unknown fields (the OpenAPI document promises <c>additionalProperties: false</c>), values of the
/// wrong JSON kind, enum values the field does not have. It also accepts what people type and rewrites it to the
/// protobuf JSON form: an enum's short name (<c>USCC</c> for <c>HOLDER_ID_TYPE_USCC</c>, any case) and a date as
/// <c>"YYYY-MM-DD"</c> for a <c>google.type.Date</c>.
/// </summary>
internal static class RestJsonChecker
{
    private const int MaxViolations = 20;

    /// <summary>Checks (and normalises in place) <paramref name="json"/> as a <paramref name="message"/>.</summary>
    public static List<FieldViolation> Check(JsonNode? json, MessageDescriptor message, string path = "")
    {
        var violations = new List<FieldViolation>();
        CheckMessage(json, message, path, violations);
        return violations;
    }

    /// <summary>
    /// Checks a value given as text (a query parameter or a path segment) as the scalar field it names; returns the text
    /// to pass on — an enum's full name for its short one — or null when it is not a value of the field.
    /// </summary>
    public static string? CheckText(FieldDescriptor field, string text, string path, List<FieldViolation> violations)
    {
        if (field.FieldType == FieldType.Message && field.MessageType.FullName == "google.protobuf.Timestamp")
        {
            // A time is one value in a query too (?from=2026-12-01T00:00:00Z), as the transcoder reads it.
            if (!IsTimestamp(text))
            {
                Add(violations, path, "must be an RFC 3339 time, e.g. 2026-12-01T08:00:00Z", FieldReasons.WrongType);
                return null;
            }

            return text;
        }

        if (field.FieldType == FieldType.Message)
        {
            Add(violations, path, "is a message; name its fields (e.g. holder.idNumber) or send the request as JSON", FieldReasons.WrongType);
            return null;
        }

        JsonNode node = field.FieldType == FieldType.Bool && bool.TryParse(text, out var flag) ? JsonValue.Create(flag) : JsonValue.Create(text);
        var count = violations.Count;
        var value = CheckValue(node, field, path, violations);
        return violations.Count > count ? null : value is JsonValue { } v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : text;
    }

    private static bool IsTimestamp(string text)
    {
        try
        {
            Google.Protobuf.JsonParser.Default.Parse<Google.Protobuf.WellKnownTypes.Timestamp>(System.Text.Json.JsonSerializer.Serialize(text));
            return true;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return false;
        }
    }

    /// <summary>The enum value a client may write for <paramref name="text"/>: the full name, or null when none fits.</summary>
    public static string? EnumValue(EnumDescriptor type, string text)
    {
        var prefix = EnumPrefix(type);
        return type.Values.FirstOrDefault(v => string.Equals(v.Name, text, StringComparison.OrdinalIgnoreCase)
                                               || string.Equals(v.Name, prefix + text, StringComparison.OrdinalIgnoreCase))?.Name;
    }

    /// <summary>The names a person would type: the values without their enum's prefix, UNSPECIFIED left out.</summary>
    public static IEnumerable<string> ShortNames(EnumDescriptor type)
    {
        var prefix = EnumPrefix(type);
        return type.Values.Where(v => v.Number != 0).Select(v => v.Name.StartsWith(prefix, StringComparison.Ordinal) ? v.Name[prefix.Length..] : v.Name);
    }

    private static string EnumPrefix(EnumDescriptor type) =>
        type.Values.FirstOrDefault(v => v.Number == 0 && v.Name.EndsWith("_UNSPECIFIED", StringComparison.Ordinal)) is { } unspecified
            ? unspecified.Name[..^"UNSPECIFIED".Length]
            : string.Empty;

    private static void CheckMessage(JsonNode? json, MessageDescriptor message, string path, List<FieldViolation> violations)
    {
        if (json is null)
        {
            return;
        }

        if (json is not JsonObject members)
        {
            Add(violations, path, "must be a JSON object", FieldReasons.WrongType);
            return;
        }

        foreach (var (name, value) in members.ToList())
        {
            var field = message.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == name || f.Name == name);
            var fieldPath = path.Length == 0 ? name : $"{path}.{name}";
            if (field is null)
            {
                Add(violations, fieldPath, $"{message.Name} has no field '{name}'; the fields are {string.Join(", ", message.Fields.InDeclarationOrder().Select(f => f.JsonName))}", FieldReasons.UnknownField);
                continue;
            }

            if (value is null)
            {
                continue;
            }

            if (field.IsMap)
            {
                CheckMap(value, field, fieldPath, violations);
            }
            else if (field.IsRepeated)
            {
                if (value is not JsonArray items)
                {
                    Add(violations, fieldPath, "must be a JSON array", FieldReasons.WrongType);
                    continue;
                }

                for (var i = 0; i < items.Count; i++)
                {
                    // Put back only a rewritten value (a short enum name made full): a node cannot be re-attached where it is.
                    if (CheckValue(items[i], field, $"{fieldPath}[{i}]", violations) is var item && !ReferenceEquals(item, items[i]))
                    {
                        items[i] = item;
                    }
                }
            }
            else if (CheckValue(value, field, fieldPath, violations) is var single && !ReferenceEquals(single, value))
            {
                members[name] = single;
            }
        }
    }

    private static void CheckMap(JsonNode value, FieldDescriptor field, string path, List<FieldViolation> violations)
    {
        if (value is not JsonObject entries)
        {
            Add(violations, path, "must be a JSON object", FieldReasons.WrongType);
            return;
        }

        var valueField = field.MessageType.FindFieldByNumber(2);
        foreach (var (key, entry) in entries.ToList())
        {
            entries[key] = CheckValue(entry, valueField, $"{path}.{key}", violations);
        }
    }

    /// <summary>One value of <paramref name="field"/>: checked, and returned as the transcoder should read it.</summary>
    private static JsonNode? CheckValue(JsonNode? value, FieldDescriptor field, string path, List<FieldViolation> violations)
    {
        if (value is null)
        {
            return null;
        }

        switch (field.FieldType)
        {
            case FieldType.Message:
                return CheckMessageValue(value, field.MessageType, path, violations);
            case FieldType.Enum:
                return CheckEnum(value, field.EnumType, path, violations);
            case FieldType.String:
                Expect(value, System.Text.Json.JsonValueKind.String, path, "must be a JSON string", violations);
                return value;
            case FieldType.Bytes:
                Expect(value, System.Text.Json.JsonValueKind.String, path, "must be a base64 string", violations);
                return value;
            case FieldType.Bool:
                if (value.GetValueKind() is not (System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False))
                {
                    Add(violations, path, "must be true or false", FieldReasons.WrongType);
                }

                return value;
            case FieldType.Double or FieldType.Float:
                if (!IsNumber(value, integer: false))
                {
                    Add(violations, path, "must be a number", FieldReasons.WrongType);
                }

                return value;
            default:
                if (!IsNumber(value, integer: true))
                {
                    Add(violations, path, "must be a whole number (or one as a string)", FieldReasons.WrongType);
                }

                return value;
        }
    }

    private static JsonNode? CheckMessageValue(JsonNode value, MessageDescriptor type, string path, List<FieldViolation> violations)
    {
        switch (type.FullName)
        {
            case "google.type.Date":
                return CheckDate(value, path, violations);
            case "google.protobuf.Timestamp" or "google.protobuf.Duration" or "google.protobuf.FieldMask":
                Expect(value, System.Text.Json.JsonValueKind.String, path,
                    type.Name == "Timestamp" ? "must be an RFC 3339 time string, e.g. 2026-12-01T08:00:00Z" : "must be a JSON string", violations);
                return value;
            case var wellKnown when wellKnown.StartsWith("google.protobuf.", StringComparison.Ordinal):
                return value; // Struct, Value, Any, wrappers: their own JSON forms, read by the transcoder.
            default:
                CheckMessage(value, type, path, violations);
                return value;
        }
    }

    private static JsonNode? CheckEnum(JsonNode value, EnumDescriptor type, string path, List<FieldViolation> violations)
    {
        if (value.GetValueKind() == System.Text.Json.JsonValueKind.Number && value.AsValue().TryGetValue<int>(out var number))
        {
            if (type.FindValueByNumber(number) is null)
            {
                Add(violations, path, $"{number} is not a value of {type.Name}; use one of {string.Join(", ", ShortNames(type))}", FieldReasons.InvalidEnumValue);
            }

            return value;
        }

        if (value.GetValueKind() == System.Text.Json.JsonValueKind.String && EnumValue(type, value.GetValue<string>()) is { } name)
        {
            return JsonValue.Create(name);
        }

        Add(violations, path, $"'{Shown(value)}' is not a value of {type.Name}; use one of {string.Join(", ", ShortNames(type))}", FieldReasons.InvalidEnumValue);
        return value;
    }

    private static JsonNode? CheckDate(JsonNode value, string path, List<FieldViolation> violations)
    {
        const string Expected = "must be a date, \"YYYY-MM-DD\" or {\"year\": 2026, \"month\": 12, \"day\": 1}";
        if (value.GetValueKind() == System.Text.Json.JsonValueKind.String)
        {
            if (DateOnly.TryParseExact(value.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return new JsonObject { ["year"] = date.Year, ["month"] = date.Month, ["day"] = date.Day };
            }

            Add(violations, path, $"'{Shown(value)}' {Expected}", FieldReasons.InvalidDate);
            return value;
        }

        if (value is JsonObject)
        {
            CheckMessage(value, Google.Type.Date.Descriptor, path, violations);
            return value;
        }

        Add(violations, path, Expected, FieldReasons.InvalidDate);
        return value;
    }

    private static bool IsNumber(JsonNode value, bool integer) => value.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.Number => !integer || value.AsValue().TryGetValue<long>(out _) || value.AsValue().TryGetValue<ulong>(out _),
        System.Text.Json.JsonValueKind.String => integer
            ? long.TryParse(value.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
              || ulong.TryParse(value.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            : double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out _)
              || value.GetValue<string>() is "NaN" or "Infinity" or "-Infinity",
        _ => false,
    };

    private static void Expect(JsonNode value, System.Text.Json.JsonValueKind kind, string path, string description, List<FieldViolation> violations)
    {
        if (value.GetValueKind() != kind)
        {
            Add(violations, path, description, FieldReasons.WrongType);
        }
    }

    /// <summary>A client's value quoted back to it, cut short: never more than a few dozen characters.</summary>
    private static string Shown(JsonNode value)
    {
        var text = value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
        return text.Length <= 40 ? text : text[..40] + "…";
    }

    private static void Add(List<FieldViolation> violations, string path, string description, string reason)
    {
        if (violations.Count < MaxViolations)
        {
            violations.Add(new FieldViolation(path.Length == 0 ? "(body)" : path, description, reason));
        }
    }
}
