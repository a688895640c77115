using Dapper;
using Hub.Core.Access;
using Hub.Core.Events;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// Date-driven changes — a license expiring, a grant falling overdue or expiring — happen because a date passed, not
/// because someone called. A notice of one kind covers the days since its last run: the rows whose date fell in
/// [through, today) get their audit entry (by <see cref="Hub.Core.Callers.Caller.HubItself"/>) and their events, and
/// the kind's watermark moves to today, all in one transaction; the watermark's row lock makes replicas take turns,
/// so each change is noticed once. A kind's first run notices nothing: it starts the watermark today rather than
/// announce every date that passed before the hub knew of events.
/// </summary>
public static class DateNotices
{
    public delegate Task<IReadOnlyList<(AccessRecord Entry, IReadOnlyList<ChangeEvent> Events)>> Finder(
        NpgsqlConnection connection, NpgsqlTransaction transaction, DateOnly from, DateOnly today);

    /// <summary>Notices the changes of <paramref name="kind"/> up to today; returns how many.</summary>
    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, PostgresAccessLog accessLog, string kind, DateOnly today, Finder find, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO date_notices (kind, through) VALUES (@kind, @today) ON CONFLICT (kind) DO NOTHING", new { kind, today }, transaction, cancellationToken: cancellationToken));
        var through = await connection.ExecuteScalarAsync<DateOnly>(new CommandDefinition(
            "SELECT through FROM date_notices WHERE kind = @kind FOR UPDATE", new { kind }, transaction, cancellationToken: cancellationToken));
        if (through >= today)
        {
            await transaction.CommitAsync(cancellationToken);
            return 0;
        }

        var notices = await find(connection, transaction, through, today);
        foreach (var (entry, events) in notices)
        {
            await accessLog.AppendAsync(connection, transaction, entry, events, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE date_notices SET through = @today WHERE kind = @kind", new { kind, today }, transaction, cancellationToken: cancellationToken));
        await accessLog.CommitAsync(transaction, cancellationToken);
        return notices.Count;
    }
}
