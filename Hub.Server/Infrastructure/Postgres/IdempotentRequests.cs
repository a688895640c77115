using System.Security.Cryptography;
using Dapper;
using Google.Protobuf;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Ports;
using Hub.Server.Infrastructure.Secrets;
using Npgsql;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// Runs a mutating request at most once per (caller, request_id): the first successful response is stored in the
/// same transaction as the change it reports, and a retry gets that response back without changing anything.
/// A concurrent duplicate waits on the first one's row and then sees its result. A request_id reused with
/// different content is refused. Stored responses may hold personal data, so they are kept encrypted.
/// </summary>
public sealed class IdempotentRequests(NpgsqlDataSource dataSource, DataProtector protector, PostgresAccessLog accessLog, TimeProvider time) : IIdempotentRunner
{
    /// <summary>
    /// Runs <paramref name="work"/> inside a transaction unless this request_id already completed. A failed outcome
    /// rolls everything back, so a later retry runs again. The work's access-log entries (queued through
    /// <see cref="PostgresAccessLog"/>) commit with it and are sequenced before this returns.
    /// </summary>
    public async Task<Outcome<TResponse>> RunInTransactionAsync<TResponse>(
        Guid callerId,
        string requestId,
        string operation,
        IMessage request,
        Func<IWriteTransaction, Task<Outcome<TResponse>>> work,
        CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new()
    {
        var requestHash = RequestHash(request);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        const string claim = """
            INSERT INTO idempotency_keys (caller_id, request_id, operation, request_hash, created_at)
            VALUES (@callerId, @requestId, @operation, @requestHash, @now)
            ON CONFLICT (caller_id, request_id) DO NOTHING
            """;
        var claimed = await connection.ExecuteAsync(new CommandDefinition(
            claim,
            new { callerId, requestId, operation, requestHash, now = time.GetUtcNow() },
            transaction,
            cancellationToken: cancellationToken));
        if (claimed == 0)
        {
            return await ReplayAsync<TResponse>(connection, transaction, callerId, requestId, operation, requestHash, cancellationToken);
        }

        var outcome = await work(new PostgresWriteTransaction(connection, transaction, accessLog));
        if (outcome.Failed)
        {
            await transaction.RollbackAsync(cancellationToken);
            return outcome;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE idempotency_keys SET response = @response WHERE caller_id = @callerId AND request_id = @requestId",
            new { response = StoredResponse(callerId, requestId, outcome.Value), callerId, requestId },
            transaction,
            cancellationToken: cancellationToken));
        await accessLog.CommitAsync(transaction, cancellationToken);
        return outcome;
    }

    /// <summary>SHA-256 of a request as its request_id remembers it: the canonical form, maps sorted (<see cref="CanonicalRequest"/>).</summary>
    public static byte[] RequestHash(IMessage request) => CanonicalRequest.Hash(request);

    /// <summary>A first response as stored for retries: encrypted (it may hold personal data), bound to its request_id.</summary>
    public byte[] StoredResponse(Guid callerId, string requestId, IMessage response) =>
        protector.Encrypt(response.ToByteArray(), Aad(callerId, requestId));

    /// <summary>
    /// The answer to a request whose request_id another request claimed first (written by a batch writer that stores
    /// claims itself): that request's stored response, or <c>REQUEST_ID_REUSED</c> if the content differs.
    /// </summary>
    public async Task<Outcome<TResponse>> ReplayAsync<TResponse>(Guid callerId, string requestId, string operation, byte[] requestHash, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new()
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        return await ReplayAsync<TResponse>(connection, transaction, callerId, requestId, operation, requestHash, cancellationToken);
    }

    /// <summary>
    /// For work that changes nothing in the database itself (reads that log an entry, brokered queries that call
    /// another system): the request_id is claimed in a short statement, the work runs holding no connection, and the
    /// response is stored after. A failed outcome (or an exception) releases the claim so a retry runs again; a claim
    /// whose holder died is taken over after <see cref="DetachedClaimTimeout"/>. A concurrent duplicate meanwhile gets
    /// <c>REQUEST_IN_PROGRESS</c>. These rows commit without waiting for the WAL flush (<c>synchronous_commit =
    /// off</c>): losing one in a crash only means a retried read runs again — the access-log entry, which is what must
    /// survive, commits durably on its own.
    /// </summary>
    public async Task<Outcome<TResponse>> RunOnceAsync<TResponse>(
        Guid callerId,
        string requestId,
        string operation,
        IMessage request,
        Func<CancellationToken, Task<Outcome<TResponse>>> work,
        CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new()
    {
        var requestHash = RequestHash(request);
        var now = time.GetUtcNow();
        const string claim = NoFlush + """
            INSERT INTO idempotency_keys (caller_id, request_id, operation, request_hash, created_at)
            VALUES (@callerId, @requestId, @operation, @requestHash, @now)
            ON CONFLICT (caller_id, request_id) DO UPDATE
                SET operation = EXCLUDED.operation, request_hash = EXCLUDED.request_hash, created_at = EXCLUDED.created_at
                WHERE idempotency_keys.response IS NULL AND idempotency_keys.created_at < @staleBefore;
            COMMIT;
            """;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            var claimed = await connection.ExecuteAsync(new CommandDefinition(
                claim,
                new { callerId, requestId, operation, requestHash, now, staleBefore = now - DetachedClaimTimeout },
                cancellationToken: cancellationToken));
            if (claimed == 0)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                return await ReplayAsync<TResponse>(connection, transaction, callerId, requestId, operation, requestHash, cancellationToken);
            }
        }

        var completed = false;
        try
        {
            var outcome = await work(cancellationToken);
            if (outcome.Failed)
            {
                return outcome;
            }

            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(
                NoFlush + "UPDATE idempotency_keys SET response = @response WHERE caller_id = @callerId AND request_id = @requestId; COMMIT;",
                new { response = StoredResponse(callerId, requestId, outcome.Value), callerId, requestId },
                cancellationToken: cancellationToken));
            completed = true;
            return outcome;
        }
        finally
        {
            if (!completed)
            {
                await ReleaseAsync(callerId, requestId);
            }
        }
    }

    /// <summary>Opens a transaction whose commit does not wait for the WAL flush (the statement that follows ends with COMMIT).</summary>
    private const string NoFlush = "BEGIN; SET LOCAL synchronous_commit = off; ";

    /// <summary>How long a detached claim with no response blocks its request_id before a retry may take it over.</summary>
    public static readonly TimeSpan DetachedClaimTimeout = TimeSpan.FromMinutes(2);

    private async Task ReleaseAsync(Guid callerId, string requestId)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await connection.ExecuteAsync(
                NoFlush + "DELETE FROM idempotency_keys WHERE caller_id = @callerId AND request_id = @requestId AND response IS NULL; COMMIT;",
                new { callerId, requestId });
        }
        catch (NpgsqlException)
        {
            // The database is away: the claim lapses after DetachedClaimTimeout instead.
        }
    }

    private static string Aad(Guid callerId, string requestId) => $"idempotency_keys:{callerId}:{requestId}";

    private async Task<Outcome<TResponse>> ReplayAsync<TResponse>(
        NpgsqlConnection connection,
        NpgsqlTransaction transaction,
        Guid callerId,
        string requestId,
        string operation,
        byte[] requestHash,
        CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>, new()
    {
        const string sql = """
            SELECT operation AS Operation, request_hash AS RequestHash, response AS Response
            FROM idempotency_keys WHERE caller_id = @callerId AND request_id = @requestId
            """;
        var first = await connection.QuerySingleAsync<StoredRequest>(new CommandDefinition(
            sql, new { callerId, requestId }, transaction, cancellationToken: cancellationToken));
        await transaction.RollbackAsync(cancellationToken);
        if (first.Operation != operation || !CryptographicOperations.FixedTimeEquals(first.RequestHash, requestHash))
        {
            return HubError.FailedPrecondition(
                ReasonCodes.RequestIdReused,
                "request_id was already used for a different request; use a new request_id for a new request.");
        }

        var parser = new MessageParser<TResponse>(() => new TResponse());
        return first.Response is null
            ? HubError.FailedPrecondition(ReasonCodes.RequestInProgress, "a request with this request_id has not finished; retry shortly.")
            : parser.ParseFrom(protector.Decrypt(first.Response, Aad(callerId, requestId)));
    }

    private sealed record StoredRequest(string Operation, byte[] RequestHash, byte[]? Response);
}
