using System.Globalization;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>The keyset cursor of lists ordered by (timestamp, uuid) descending: "ticks:uuid".</summary>
internal static class TimeIdCursor
{
    public static string Encode(DateTimeOffset time, Guid id) => string.Create(CultureInfo.InvariantCulture, $"{time.UtcTicks}:{id}");

    /// <summary>The position after which the next page starts, or (null, empty) for the first page or a foreign cursor.</summary>
    public static (DateTimeOffset? Time, Guid Id) Parse(string? cursor)
    {
        var parts = cursor?.Split(':');
        return parts is [var ticks, var id]
               && long.TryParse(ticks, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
               && Guid.TryParse(id, out var g)
            ? (new DateTimeOffset(t, TimeSpan.Zero), g)
            : (null, Guid.Empty);
    }
}
