using System.Globalization;
using Hub.Common.V1;
using Hub.Core.Validation;
using Hub.Server.Catalogue;

namespace Hub.Server.Licenses;

/// <summary>Checks face (照面) fields against the license type: known names, required present, values of the right kind.</summary>
public static class FaceValidation
{
    public static Dictionary<string, string> Validate(LicenseTypeDefinition type, IDictionary<string, string> face, Violations violations)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, raw) in face)
        {
            var path = $"face[{name}]";
            var spec = type.Field(name);
            if (spec is null)
            {
                violations.Add(path, $"is not a field of license type {type.TypeCode} ({string.Join(", ", type.Fields.Select(f => f.Name))})");
                continue;
            }

            var value = raw.Trim();
            if (value.Length == 0)
            {
                continue;
            }

            if (value.Length > InputLimits.FaceValueLength)
            {
                violations.Add(path, $"must be at most {InputLimits.FaceValueLength} characters");
                continue;
            }

            if (KindProblem(spec.Kind, value) is { } problem)
            {
                violations.Add(path, problem);
                continue;
            }

            result[name] = value;
        }

        foreach (var spec in type.Fields.Where(f => f.Required && !result.ContainsKey(f.Name)))
        {
            if (!face.TryGetValue(spec.Name, out var given) || string.IsNullOrWhiteSpace(given))
            {
                violations.Add($"face[{spec.Name}]", $"is required ({spec.Label})");
            }
        }

        return result;
    }

    private static string? KindProblem(FieldKind kind, string value) => kind switch
    {
        FieldKind.Date => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? null : "must be a date YYYY-MM-DD",
        FieldKind.Number => decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _) ? null : "must be a decimal number",
        FieldKind.Boolean => value is "true" or "false" ? null : "must be true or false",
        _ => TextRules.IsPlain(value, allowLineBreaks: true) ? null : "must not contain control, format or bidirectional characters",
    };
}
