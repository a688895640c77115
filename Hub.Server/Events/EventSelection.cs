using Hub.Core.Validation;
using Hub.Events.V1;

namespace Hub.Server.Events;

/// <summary>A validated <see cref="EventFilter"/>: every list given must match; an empty one matches all.</summary>
public sealed record EventSelection(string[] EventTypes, string[] LicenseTypes, string[] IssuerOrgs, string[] Matters)
{
    public const int MaxEntries = 100;

    public static EventSelection All { get; } = new([], [], [], []);

    /// <summary>The filter, or its violations under <paramref name="path"/> (e.g. <c>filter</c>).</summary>
    public static EventSelection Parse(EventFilter? filter, Violations violations, string path)
    {
        if (filter is null)
        {
            return All;
        }

        var types = Codes(filter.EventTypes, violations, path + ".event_types");
        foreach (var (type, i) in types.Select((t, i) => (t, i)))
        {
            if (!Hub.Core.Events.EventTypes.All.Contains(type))
            {
                violations.Add($"{path}.event_types[{i}]", $"'{type}' is not an event type; the types are {string.Join(", ", Hub.Core.Events.EventTypes.All)}");
            }
        }

        return new EventSelection(
            types,
            Codes(filter.LicenseTypes, violations, path + ".license_types"),
            Codes(filter.IssuerOrgs, violations, path + ".issuer_orgs"),
            Codes(filter.Matters, violations, path + ".matters"));
    }

    /// <summary>As stored with a webhook and shown back.</summary>
    public EventFilter ToProto() => new() { EventTypes = { EventTypes }, LicenseTypes = { LicenseTypes }, IssuerOrgs = { IssuerOrgs }, Matters = { Matters } };

    private static string[] Codes(IEnumerable<string> given, Violations violations, string path)
    {
        var codes = given.Select(c => c.Trim()).Distinct(StringComparer.Ordinal).ToArray();
        if (codes.Length > MaxEntries)
        {
            violations.Add(path, $"at most {MaxEntries} entries");
        }

        for (var i = 0; i < codes.Length; i++)
        {
            violations.Text($"{path}[{i}]", codes[i], InputLimits.CodeLength);
        }

        return codes;
    }
}
