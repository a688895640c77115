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

    /// <summary>Checks a text field: present when required, at most <paramref name="maxLength"/> characters, no control, format or bidirectional characters (<see cref="TextRules"/>).</summary>
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
        else if (!TextRules.IsPlain(text))
        {
            Add(field, "must not contain control, format or bidirectional characters");
        }

        return text;
    }

    /// <summary>A required id the hub gave out (a UUID); <see cref="Guid.Empty"/> when absent or malformed (then a violation).</summary>
    public Guid Uuid(string field, string? value, string what)
    {
        var text = Text(field, value, InputLimits.UuidLength);
        if (text.Length > 0 && !Guid.TryParse(text, out _))
        {
            Add(field, $"is not {what}");
        }

        return Guid.TryParse(text, out var id) ? id : Guid.Empty;
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

    /// <summary>
    /// Checks an unsigned 64-bit position from the wire (a log index or tree size): the log counts in signed 64-bit
    /// integers, so anything from 2⁶³ up is out of range, not a wrapped negative number.
    /// </summary>
    public long Position(string field, ulong value)
    {
        if (value > long.MaxValue)
        {
            Add(field, $"must be at most {long.MaxValue} (got {value})");
            return 0;
        }

        return (long)value;
    }

    /// <summary>Checks an optional timestamp from the wire: 0001-01-01 to 9999-12-31, nanos within a second.</summary>
    public DateTimeOffset? Time(string field, Google.Protobuf.WellKnownTypes.Timestamp? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Seconds < MinTimestampSeconds || value.Seconds > MaxTimestampSeconds || value.Nanos is < 0 or > 999_999_999)
        {
            Add(field, "must be a time between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
            return null;
        }

        return value.ToDateTimeOffset();
    }

    private const long MinTimestampSeconds = -62_135_596_800;
    private const long MaxTimestampSeconds = 253_402_300_799;

    public HubError? ToError() => Any ? HubError.InvalidArgument([.. _items]) : null;
}
