namespace Hub.Core.Validation;

/// <summary>
/// The fields a request names (a grant's, a query's, a preview's): trimmed, each at most once, each a field of what
/// it names. One parser for every feature that selects fields.
/// </summary>
public static class FieldSelection
{
    /// <param name="requested">The fields as the request names them.</param>
    /// <param name="known">The fields that exist, or null when the subject is unknown (then only the shape is checked).</param>
    /// <param name="subject">What the fields belong to, for messages (e.g. "data resource 610100-GA-001").</param>
    /// <param name="violations">Where problems are reported.</param>
    /// <param name="required">Whether at least one field must be named.</param>
    public static List<string> Parse(IList<string> requested, IReadOnlyCollection<string>? known, string subject, Violations violations, bool required)
    {
        var fields = new List<string>();
        if ((required && requested.Count == 0) || requested.Count > InputLimits.MaxSelectedFields)
        {
            violations.Add("fields", $"name 1 to {InputLimits.MaxSelectedFields} fields");
        }

        for (var i = 0; i < requested.Count && i < InputLimits.MaxSelectedFields; i++)
        {
            var field = requested[i].Trim();
            if (known is not null && !known.Contains(field))
            {
                violations.Add($"fields[{i}]", $"'{Shorten(field)}' is not a field of {subject}");
            }
            else if (fields.Contains(field))
            {
                violations.Add($"fields[{i}]", $"'{Shorten(field)}' is named twice");
            }
            else
            {
                fields.Add(field);
            }
        }

        return fields;
    }

    // A violation repeats what the client sent; a huge name is cut, never echoed whole.
    private static string Shorten(string field) => field.Length <= InputLimits.CodeLength ? field : field[..InputLimits.CodeLength] + "…";
}
