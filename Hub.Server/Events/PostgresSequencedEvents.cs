using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Server.Events;

/// <summary>
/// Numbers the change events of the entries one log-writer cycle sequences: the next dense event ids, in the
/// entries' log order and each entry's events in the order its change queued them, written with one binary COPY in
/// the cycle's transaction (under the log head's lock, so ids have no holes and never go back).
/// </summary>
public static class PostgresSequencedEvents
{
    /// <summary>Writes the events; returns the last event id used (<paramref name="firstEventId"/> − 1 when there were none).</summary>
    public static async Task<long> WriteAsync(NpgsqlConnection connection, IEnumerable<(long LogIndex, DateTimeOffset OccurredAt, string? EventsJson)> entries, long firstEventId)
    {
        var next = firstEventId;
        NpgsqlBinaryImporter? copy = null;
        try
        {
            foreach (var (logIndex, occurredAt, json) in entries)
            {
                if (json is null)
                {
                    continue;
                }

                copy ??= await connection.BeginBinaryImportAsync(
                    "COPY events (event_id, log_index, occurred_at, event_type, object_type, object_id, license_type, issuer_org, matter_code, audience_caller, audience_org, data) FROM STDIN (FORMAT BINARY)");
                foreach (var queued in JsonSerializer.Deserialize<List<QueuedEvent>>(json)!)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(next++, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(logIndex, NpgsqlDbType.Bigint);
                    await copy.WriteAsync(occurredAt, NpgsqlDbType.TimestampTz);
                    await copy.WriteAsync(queued.EventType, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(queued.ObjectType, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(queued.ObjectId, NpgsqlDbType.Varchar);
                    await WriteNullableAsync(copy, queued.LicenseType, NpgsqlDbType.Varchar);
                    await WriteNullableAsync(copy, queued.IssuerOrg, NpgsqlDbType.Varchar);
                    await WriteNullableAsync(copy, queued.MatterCode, NpgsqlDbType.Varchar);
                    if (queued.AudienceCaller is { } audience)
                    {
                        await copy.WriteAsync(audience, NpgsqlDbType.Uuid);
                    }
                    else
                    {
                        await copy.WriteNullAsync();
                    }

                    await WriteNullableAsync(copy, queued.AudienceOrg, NpgsqlDbType.Varchar);
                    await copy.WriteAsync(queued.Data.GetRawText(), NpgsqlDbType.Jsonb);
                }
            }

            if (copy is not null)
            {
                await copy.CompleteAsync();
            }
        }
        finally
        {
            if (copy is not null)
            {
                await copy.DisposeAsync();
            }
        }

        return next - 1;
    }

    private static Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type) =>
        value is null ? copy.WriteNullAsync() : copy.WriteAsync(value, type);

    /// <summary>An event_queue row as json_agg writes it.</summary>
    private sealed record QueuedEvent(
        [property: JsonPropertyName("event_type")] string EventType,
        [property: JsonPropertyName("object_type")] string ObjectType,
        [property: JsonPropertyName("object_id")] string ObjectId,
        [property: JsonPropertyName("license_type")] string? LicenseType,
        [property: JsonPropertyName("issuer_org")] string? IssuerOrg,
        [property: JsonPropertyName("matter_code")] string? MatterCode,
        [property: JsonPropertyName("audience_caller")] Guid? AudienceCaller,
        [property: JsonPropertyName("audience_org")] string? AudienceOrg,
        [property: JsonPropertyName("data")] JsonElement Data);
}
