using System.Threading.Channels;
using Google.Protobuf;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Events;
using Hub.Licenses.V1;
using Hub.Server.Infrastructure.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Server.Licenses;

/// <summary>One validated, sealed and encrypted IssueLicense waiting to be written.</summary>
public sealed record NewLicenseWrite(
    Guid CallerId,
    string RequestId,
    IMessage Request,
    IssueLicenseResponse Response,
    Guid LicenseId,
    string Serial,
    byte[] HolderIndex,
    SealedVersion Version,
    byte[] EncryptedContent,
    DateTimeOffset Now,
    ChangeEvent Event);

/// <summary>
/// Group commit for IssueLicense. Everything a new license needs is known before the database is touched (validated,
/// sealed, encrypted in the caller's own request), so the licenses of concurrent calls on this replica are written
/// together: one transaction, two set-based statements and one commit per batch, holding no lock any other write
/// waits for. Each license goes in with its request_id's claim and stored response and its queued audit entry
/// (sequenced after the commit like any write's). A request whose request_id was claimed before is answered from the
/// stored response; one whose license_number the issuer already used fails alone with <c>LICENSE_NUMBER_EXISTS</c>
/// and leaves nothing behind; the others of the batch commit. While one batch is in PostgreSQL the next gathers.
/// Each license's license.issued event is queued with its audit entry (<see cref="NewLicenseWrite.Event"/>), and the
/// same statement fulfils the holders' open obligations it settles (<see cref="ObligationFulfilment"/>).
/// </summary>
public sealed class PostgresNewLicenseWriter : INewLicenseWriter, IAsyncDisposable
{
    public const int MaxBatch = 256;
    public const string Operation = AuditActions.LicensesIssueLicense;

    private const string ClaimSql = """
        INSERT INTO idempotency_keys (caller_id, request_id, operation, request_hash, created_at, response)
        SELECT c, r, @operation, h, @now, s FROM unnest(@callers, @requests, @hashes, @responses) AS k(c, r, h, s)
        ON CONFLICT (caller_id, request_id) DO NOTHING
        RETURNING caller_id, request_id
        """;

    // A license_number already taken (or taken twice in one batch) is skipped by ON CONFLICT and gets neither a
    // version nor an audit entry; its claim is removed below so a corrected retry can run.
    private static readonly string InsertSql = """
        WITH rows AS (
            SELECT * FROM unnest(@licenseIds, @types, @issuers, @serials, @numbers, @holders, @issuedAt, @issuedBy,
                                 @identifiers, @validFrom, @validUntil, @contents, @contentHashes, @seals, @keyIds, @eventData)
                AS r(license_id, type_code, issuer_org_code, serial, license_number, holder_index, issued_at, issued_by,
                     identifier, valid_from, valid_until, content_encrypted, content_hash, seal, seal_key_id, event_data)
        ), inserted AS (
            INSERT INTO licenses (license_id, type_code, issuer_org_code, serial, license_number, holder_index, current_version,
                                  status, status_changed_at, issued_at, issued_by)
            SELECT license_id, type_code, issuer_org_code, serial, license_number, holder_index, 1, 'VALID', issued_at, issued_at, issued_by
            FROM rows
            ON CONFLICT DO NOTHING
            RETURNING license_id
        ), versions AS (
            INSERT INTO license_versions (identifier, license_id, version, valid_from, valid_until, content_encrypted, content_hash,
                                          seal, seal_key_id, created_at, created_by)
            SELECT r.identifier, r.license_id, 1, r.valid_from, r.valid_until, r.content_encrypted, r.content_hash, r.seal,
                   r.seal_key_id, @now, r.issued_by
            FROM rows r JOIN inserted USING (license_id)
        ), entries AS (
            INSERT INTO access_log_queue (occurred_at, caller_id, action, object_type, object_id, holder_index, outcome)
            SELECT @now, r.issued_by, @operation, @objectType, r.identifier, r.holder_index, @outcome
            FROM rows r JOIN inserted USING (license_id)
            RETURNING queue_id, object_id
        ), events AS (
            INSERT INTO event_queue (audit_queue_id, seq, event_type, object_type, object_id, license_type, issuer_org, data)
            SELECT e.queue_id, 0, @eventType, @objectType, r.identifier, r.type_code, r.issuer_org_code, r.event_data::jsonb
            FROM entries e JOIN rows r ON r.identifier = e.object_id
        )
        """ + ObligationFulfilment.Ctes("SELECT r.identifier, r.holder_index, r.type_code FROM rows r JOIN inserted USING (license_id)") + """
        SELECT license_id FROM inserted
        """;

    private const string UnclaimSql = """
        DELETE FROM idempotency_keys k USING unnest(@callers, @requests) AS d(c, r) WHERE k.caller_id = d.c AND k.request_id = d.r
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IdempotentRequests _requests;
    private readonly PostgresAccessLog _accessLog;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(50_000) { SingleReader = true });
    private readonly Task _writer;

    public PostgresNewLicenseWriter(NpgsqlDataSource dataSource, IdempotentRequests requests, PostgresAccessLog accessLog)
    {
        _dataSource = dataSource;
        _requests = requests;
        _accessLog = accessLog;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Writes the license with the next batch; answers once it committed and its audit entry has its index.</summary>
    public async Task<Outcome<IssueLicenseResponse>> WriteAsync(NewLicenseWrite write, CancellationToken cancellationToken)
    {
        var pending = new Pending(
            write,
            IdempotentRequests.RequestHash(write.Request),
            _requests.StoredResponse(write.CallerId, write.RequestId, write.Response),
            new TaskCompletionSource<Outcome<IssueLicenseResponse>?>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);

        // Not cancellable once queued: the batch may commit it, and a retry must then find its stored response.
        var written = await pending.Completion.Task;
        return written ?? await _requests.ReplayAsync<IssueLicenseResponse>(write.CallerId, write.RequestId, Operation, pending.RequestHash, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                await WriteBatchAsync(batch);
            }
#pragma warning disable CA1031 // the writer must outlive any failure: each call in the batch gets the exception instead
            catch (Exception e)
#pragma warning restore CA1031
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(e);
                }
            }
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        var now = batch[^1].Write.Now;
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        var claimed = new HashSet<(Guid, string)>();
        await using (var claim = new NpgsqlCommand(ClaimSql, connection, transaction))
        {
            claim.Parameters.Add(new NpgsqlParameter<string>("operation", Operation));
            claim.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
            claim.Parameters.Add(new NpgsqlParameter<Guid[]>("callers", [.. batch.Select(p => p.Write.CallerId)]));
            claim.Parameters.Add(new NpgsqlParameter<string[]>("requests", [.. batch.Select(p => p.Write.RequestId)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
            claim.Parameters.Add(new NpgsqlParameter<byte[][]>("hashes", [.. batch.Select(p => p.RequestHash)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            claim.Parameters.Add(new NpgsqlParameter<byte[][]>("responses", [.. batch.Select(p => p.StoredResponse)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            await using var reader = await claim.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                claimed.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        // A request_id claimed before (a retry, or a duplicate in this very batch) is answered from the stored response.
        var fresh = new List<Pending>(batch.Count);
        foreach (var pending in batch)
        {
            if (claimed.Remove((pending.Write.CallerId, pending.Write.RequestId)))
            {
                fresh.Add(pending);
            }
            else
            {
                pending.Replay = true;
            }
        }

        var inserted = new HashSet<Guid>();
        if (fresh.Count > 0)
        {
            await using var insert = new NpgsqlCommand(InsertSql, connection, transaction);
            AddLicenseParameters(insert, fresh, now);
            await using var reader = await insert.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                inserted.Add(reader.GetGuid(0));
            }
        }

        var refused = fresh.Where(p => !inserted.Contains(p.Write.LicenseId)).ToList();
        if (refused.Count > 0)
        {
            await using var unclaim = new NpgsqlCommand(UnclaimSql, connection, transaction);
            unclaim.Parameters.Add(new NpgsqlParameter<Guid[]>("callers", [.. refused.Select(p => p.Write.CallerId)]));
            unclaim.Parameters.Add(new NpgsqlParameter<string[]>("requests", [.. refused.Select(p => p.Write.RequestId)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Varchar });
            await unclaim.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        await connection.CloseAsync();

        // Answers leave once the batch's audit entries have their indices; meanwhile the next batch is written.
        var outcomes = batch.Select(pending => (pending, Outcome: pending.Replay ? null
            : inserted.Contains(pending.Write.LicenseId) ? (Outcome<IssueLicenseResponse>?)pending.Write.Response
            : LicenseIssuer.LicenseNumberExists())).ToList();
        _ = _accessLog.SequencedAsync().ContinueWith(
            _ =>
            {
                foreach (var (pending, outcome) in outcomes)
                {
                    pending.Completion.TrySetResult(outcome);
                }
            },
            TaskScheduler.Default);
    }

    private static void AddLicenseParameters(NpgsqlCommand command, List<Pending> rows, DateTimeOffset now)
    {
        T[] Each<T>(Func<NewLicenseWrite, T> value) => [.. rows.Select(p => value(p.Write))];
        void Add<T>(string name, T[] values, NpgsqlDbType element) =>
            command.Parameters.Add(new NpgsqlParameter<T[]>(name, values) { NpgsqlDbType = NpgsqlDbType.Array | element });

        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("now", now));
        command.Parameters.Add(new NpgsqlParameter<DateOnly>("today", DateOnly.FromDateTime(now.ToOffset(Hub.Core.Time.ChinaCalendar.Offset).DateTime)));
        command.Parameters.Add(new NpgsqlParameter<string>("objectType", AuditObjects.License));
        command.Parameters.Add(new NpgsqlParameter<string>("outcome", AuditOutcomes.Ok));
        command.Parameters.Add(new NpgsqlParameter<string>("operation", Operation));
        Add("licenseIds", Each(w => w.LicenseId), NpgsqlDbType.Uuid);
        Add("types", Each(w => w.Version.Content.TypeCode), NpgsqlDbType.Varchar);
        Add("issuers", Each(w => w.Version.Content.IssuerOrgCode), NpgsqlDbType.Varchar);
        Add("serials", Each(w => w.Serial), NpgsqlDbType.Varchar);
        Add("numbers", Each(w => w.Version.Content.LicenseNumber), NpgsqlDbType.Varchar);
        Add("holders", Each(w => w.HolderIndex), NpgsqlDbType.Bytea);
        Add("issuedAt", Each(w => w.Version.Content.IssuedAt), NpgsqlDbType.TimestampTz);
        Add("issuedBy", Each(w => w.CallerId), NpgsqlDbType.Uuid);
        Add("identifiers", Each(w => w.Version.Content.Identifier), NpgsqlDbType.Varchar);
        Add("validFrom", Each(w => w.Version.Content.ValidFrom), NpgsqlDbType.Date);
        Add("validUntil", Each(w => w.Version.Content.ValidUntil), NpgsqlDbType.Date);
        Add("contents", Each(w => w.EncryptedContent), NpgsqlDbType.Bytea);
        Add("contentHashes", Each(w => w.Version.ContentHash), NpgsqlDbType.Bytea);
        Add("seals", Each(w => w.Version.Seal), NpgsqlDbType.Bytea);
        Add("keyIds", Each(w => w.Version.SealKeyId), NpgsqlDbType.Varchar);
        Add("eventData", Each(w => EventFacts.ToJson(w.Event.Facts)), NpgsqlDbType.Text);
        command.Parameters.Add(new NpgsqlParameter<string>("eventType", EventTypes.LicenseIssued));
    }

    private sealed class Pending(NewLicenseWrite write, byte[] requestHash, byte[] storedResponse, TaskCompletionSource<Outcome<IssueLicenseResponse>?> completion)
    {
        public NewLicenseWrite Write { get; } = write;

        public byte[] RequestHash { get; } = requestHash;

        /// <summary>The response as stored for retries (encrypted).</summary>
        public byte[] StoredResponse { get; } = storedResponse;

        /// <summary>Completes with the outcome, or null when the request_id was claimed before (answer from the stored response).</summary>
        public TaskCompletionSource<Outcome<IssueLicenseResponse>?> Completion { get; } = completion;

        public bool Replay { get; set; }
    }
}
