using System.Text.RegularExpressions;
using Google.Protobuf.Collections;
using Hub.Common.V1;
using Hub.Core.Validation;

namespace Hub.Server.Catalogue;

/// <summary>Validates the field specs of a license type or a data resource, into one normal form.</summary>
internal static partial class FieldSpecs
{
    public const int MaxLabelLength = 100;

    /// <summary>Checks names (unique, snake_case), labels and enums; <paramref name="what"/> names the list in messages.</summary>
    public static List<FieldSpec> Parse(RepeatedField<FieldSpec> specs, Violations violations, int maxFields, string what)
    {
        var fields = new List<FieldSpec>();
        if (specs.Count == 0 || specs.Count > maxFields)
        {
            violations.Add("fields", $"define 1 to {maxFields} {what}");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < specs.Count && i < maxFields; i++)
        {
            var spec = specs[i];
            var path = $"fields[{i}]";
            var fieldName = spec.Name?.Trim() ?? string.Empty;
            if (!FieldName().IsMatch(fieldName))
            {
                violations.Add($"{path}.name", "must be 1-64 characters: a lower-case letter, then lower-case letters, digits or '_'");
            }
            else if (!names.Add(fieldName))
            {
                violations.Add($"{path}.name", $"'{fieldName}' is defined twice");
            }

            var label = violations.Text($"{path}.label", spec.Label, MaxLabelLength);
            var kind = violations.Enum($"{path}.kind", spec.Kind);
            var level = violations.Enum($"{path}.level", spec.Level);
            var mask = violations.Enum($"{path}.mask", spec.Mask);
            fields.Add(new FieldSpec { Name = fieldName, Label = label, Kind = kind, Required = spec.Required, Level = level, Mask = mask });
        }

        return fields;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex FieldName();
}
