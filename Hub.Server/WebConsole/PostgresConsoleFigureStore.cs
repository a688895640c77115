using Dapper;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Npgsql;

namespace Hub.Server.WebConsole;

/// <summary>
/// The console's sums over <c>access_log</c>: range scans of its time index, grouped in PostgreSQL, so a day of a
/// city's calls comes back as a few dozen rows. Local hours and days are Asia/Shanghai's.
/// </summary>
public sealed class PostgresConsoleFigureStore(NpgsqlDataSource database) : IConsoleFigureStore
{
    // Outcomes of refusals, as a LIKE pattern (the prefix holds no LIKE wildcard).
    private const string Refused = AuditOutcomes.RefusedPrefix + "%";

    public async Task<IReadOnlyList<MatterTally>> MattersAsync(LogPeriod period, CancellationToken cancellationToken)
    {
        // The outcome of a CheckMatter entry is "WAIVED:k/n" (then " ACCEPTED:a" when some were accepted on commitment).
        const string sql = """
            SELECT a.matter_code AS MatterCode, max(m.name) AS MatterName, count(*) AS Checks,
                   coalesce(sum(substring(a.outcome FROM '^WAIVED:([0-9]+)/')::bigint), 0)::bigint AS MaterialsWaived,
                   coalesce(sum(substring(a.outcome FROM '^WAIVED:[0-9]+/([0-9]+)')::bigint), 0)::bigint AS MaterialsChecked
            FROM access_log a LEFT JOIN matters m ON m.matter_code = a.matter_code
            WHERE a.occurred_at >= @from AND a.occurred_at < @to AND a.action = @action AND a.matter_code IS NOT NULL
            GROUP BY a.matter_code
            ORDER BY Checks DESC, a.matter_code
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<MatterTally>(new CommandDefinition(sql, new { from = period.Start, to = period.End, action = AuditActions.ExemptionCheckMatter }, cancellationToken: cancellationToken))];
    }

    public async Task<IReadOnlyList<HourTally>> HoursAsync(LogPeriod period, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT extract(hour FROM a.occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS Hour, count(*) AS Entries,
                   count(*) FILTER (WHERE a.outcome LIKE @refused) AS Refusals
            FROM access_log a
            WHERE a.occurred_at >= @from AND a.occurred_at < @to
            GROUP BY 1 ORDER BY 1
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<HourTally>(new CommandDefinition(sql, new { from = period.Start, to = period.End, refused = Refused }, cancellationToken: cancellationToken))];
    }

    public async Task<IReadOnlyList<CallerTally>> ManyHoldersAsync(LogPeriod period, int threshold, int limit, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.caller_id AS CallerId, max(c.org_name) AS OrgName, max(c.system_name) AS SystemName, '' AS Detail,
                   count(DISTINCT a.holder_index) AS Count, count(*) AS Calls, max(a.occurred_at) AS LastAt
            FROM access_log a LEFT JOIN callers c ON c.caller_id = a.caller_id
            WHERE a.occurred_at >= @from AND a.occurred_at < @to AND a.holder_index IS NOT NULL AND a.caller_id <> @hub
            GROUP BY a.caller_id
            HAVING count(DISTINCT a.holder_index) >= @threshold
            ORDER BY Count DESC, a.caller_id
            LIMIT @limit
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<CallerTally>(new CommandDefinition(sql, new { from = period.Start, to = period.End, threshold, limit, hub = Caller.HubItself }, cancellationToken: cancellationToken))];
    }

    public async Task<IReadOnlyList<CallerHourTally>> CallerHoursAsync(LogPeriod period, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.caller_id AS CallerId, max(c.org_name) AS OrgName, max(c.system_name) AS SystemName,
                   (a.occurred_at AT TIME ZONE 'Asia/Shanghai')::date AS Day,
                   extract(hour FROM a.occurred_at AT TIME ZONE 'Asia/Shanghai')::int AS Hour,
                   count(*) AS Calls, max(a.occurred_at) AS LastAt
            FROM access_log a LEFT JOIN callers c ON c.caller_id = a.caller_id
            WHERE a.occurred_at >= @from AND a.occurred_at < @to AND a.caller_id <> @hub
            GROUP BY a.caller_id, 4, 5
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<CallerHourTally>(new CommandDefinition(sql, new { from = period.Start, to = period.End, hub = Caller.HubItself }, cancellationToken: cancellationToken))];
    }

    public async Task<IReadOnlyList<CallerTally>> RefusalsAsync(LogPeriod period, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT a.caller_id AS CallerId, max(c.org_name) AS OrgName, max(c.system_name) AS SystemName, a.outcome AS Detail,
                   count(*) AS Count, count(*) AS Calls, max(a.occurred_at) AS LastAt
            FROM access_log a LEFT JOIN callers c ON c.caller_id = a.caller_id
            WHERE a.occurred_at >= @from AND a.occurred_at < @to AND a.outcome LIKE @refused
            GROUP BY a.caller_id, a.outcome
            """;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<CallerTally>(new CommandDefinition(sql, new { from = period.Start, to = period.End, refused = Refused }, cancellationToken: cancellationToken))];
    }
}
