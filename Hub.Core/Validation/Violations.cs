using Hub.Core.Errors;

namespace Hub.Core.Validation;

/// <summary>
/// Collects every problem with a request before anything is read or written, so the caller learns
/// all of them at once as <c>InvalidArgument</c> with one field violation each.
/// </summary>
public sealed class Violations
{
    private readonly List<FieldViolation> _items = [];

    public bool Any => _items.Count > 0;

    public IReadOnlyList<FieldViolation> Items => _items;

    public void Add(string field, string description) => _items.Add(new FieldViolation(field, description));

    /// <summary>Checks a text field: present when required, at most <paramref name="maxLength"/> characters, no control characters.</summary>
    public string Text(string field, string? value, int maxLength, bool required = true)
    {
        var text = value?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            if (required)
            {
                Add(field, "is required");
            }

            return text;
        }

        if (text.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters (got {text.Length})");
        }
        else if (text.Any(char.IsControl))
        {
            Add(field, "must not contain control characters");
        }

        return text;
    }

    /// <summary>Checks that an enum value from the wire is defined and not the <c>*_UNSPECIFIED</c> zero.</summary>
    public TEnum Enum<TEnum>(string field, TEnum value)
        where TEnum : struct, System.Enum
    {
        if (Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            Add(field, "is required (the UNSPECIFIED value is not accepted)");
        }
        else if (!System.Enum.IsDefined(value))
        {
            Add(field, $"has an unknown value {value}");
        }

        return value;
    }

    public HubError? ToError() => Any ? HubError.InvalidArgument([.. _items]) : null;
}
