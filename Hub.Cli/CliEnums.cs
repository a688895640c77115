namespace Hub.Cli;

/// <summary>
/// Enum values as people type them: any case, with or without the proto prefix and underscores, or a unique start
/// ("L3" for L3_SENSITIVE). Unknown names map to the UNSPECIFIED zero, which the hub refuses with a field violation.
/// </summary>
internal static class CliEnums
{
    public static TEnum Parse<TEnum>(string? text)
        where TEnum : struct, Enum
    {
        var wanted = Normalize(text ?? string.Empty);
        var prefix = Normalize(string.Concat(typeof(TEnum).Name.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())));
        if (wanted.StartsWith(prefix, StringComparison.Ordinal))
        {
            wanted = wanted[prefix.Length..];
        }

        if (wanted.Length == 0)
        {
            return default;
        }

        var names = Enum.GetNames<TEnum>().Where(n => n != "Unspecified").ToList();
        var exact = names.FirstOrDefault(n => Normalize(n) == wanted);
        var starts = names.Where(n => Normalize(n).StartsWith(wanted, StringComparison.Ordinal)).ToList();
        var name = exact ?? (starts.Count == 1 ? starts[0] : null);
        return name is null ? default : Enum.Parse<TEnum>(name);
    }

    /// <summary>The wire name people know: L3_SENSITIVE, CONDITIONAL.</summary>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant();

    /// <summary>A data level as people write it: L1 … L4 (<paramref name="unspecified"/> when none is set).</summary>
    public static string Level(Hub.Common.V1.DataLevel level, string unspecified = "L?") =>
        level == Hub.Common.V1.DataLevel.Unspecified ? unspecified : Name(level)[..2];

    private static string Normalize(string text) => text.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal).Trim().ToLowerInvariant();
}
