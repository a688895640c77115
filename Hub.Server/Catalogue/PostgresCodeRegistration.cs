using Dapper;
using Hub.Core.Access;
using Hub.Core.Errors;
using Hub.Core.Events;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;

namespace Hub.Server.Catalogue;

/// <summary>
/// Registration that is idempotent on a code: the row goes in unless the code exists; the same content again is a
/// no-op, other content under the same code is <c>AlreadyExists</c>. A new registration commits with its audit entry
/// (and its change events, if it causes any).
/// </summary>
internal static class PostgresCodeRegistration
{
    /// <summary>
    /// True when this call registered the code, false when the same content was already registered. The insert is an
    /// <c>INSERT … ON CONFLICT (code) DO NOTHING</c>; the hash query reads the stored <c>content_hash</c> of the code;
    /// both take the same parameters.
    /// </summary>
    public static async Task<Outcome<bool>> RegisterAsync(
        NpgsqlDataSource dataSource,
        PostgresAccessLog accessLog,
        string insertSql,
        string hashSql,
        object parameters,
        byte[] contentHash,
        AccessRecord audit,
        HubError conflict,
        CancellationToken cancellationToken,
        IReadOnlyList<ChangeEvent>? events = null)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(insertSql, parameters, transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
        {
            var stored = await connection.ExecuteScalarAsync<byte[]>(new CommandDefinition(hashSql, parameters, transaction, cancellationToken: cancellationToken));
            await transaction.RollbackAsync(cancellationToken);
            return stored.AsSpan().SequenceEqual(contentHash) ? false : conflict;
        }

        await accessLog.AppendAsync(connection, transaction, audit, events ?? [], cancellationToken);
        await accessLog.CommitAsync(transaction, cancellationToken);
        return true;
    }
}
