using System.Text.Json;
using System.Text.Json.Serialization;
using Hub.Common.V1;

namespace Hub.Core.Events;

/// <summary>An event's facts as kept in <c>events.data</c>: <c>{"name": {"v": value, "l": level}}</c>.</summary>
public static class EventFacts
{
    public static string ToJson(IReadOnlyList<EventFact> facts) =>
        JsonSerializer.Serialize(facts.ToDictionary(f => f.Name, f => new Stored(f.Value, (int)f.Level)));

    public static IEnumerable<EventFact> FromJson(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, Stored>>(json)!.Select(p => new EventFact(p.Key, p.Value.Value, (DataLevel)p.Value.Level));

    private sealed record Stored([property: JsonPropertyName("v")] string Value, [property: JsonPropertyName("l")] int Level);
}
