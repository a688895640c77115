using System.Threading.Channels;
using Dapper;
using Hub.Core.Access;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Server.Events;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// The one writer of <c>access_log</c> on this replica, and the sequencer of the write path. Each cycle it locks the
/// log head, takes the entries that committed write transactions left in <c>access_log_queue</c> and the entries of
/// concurrent reads waiting in memory, gives them the next dense indices, writes them with one binary COPY and
/// commits once. The head's lock is held for that short cycle only, never across a request's own transaction, so
/// writes no longer queue behind each other (docs/architecture.md).
/// <para>
/// A read waits for its batch to commit before its answer leaves (nothing is disclosed unlogged); if the batch fails,
/// every read in it fails with <c>Unavailable</c>. A write waits (<see cref="SequenceCommittedAsync"/>) until a cycle
/// that began after its commit has drained the queue, so its entry has its index before it answers. Several replicas
/// may run this loop on one database: the head's row lock orders their cycles, and rows left by a replica that died
/// are sequenced by the next cycle of any replica (an idle replica sweeps the queue every <see cref="SweepInterval"/>).
/// </para>
/// <para>
/// The change events queued with an entry are numbered in the same cycle (<see cref="PostgresSequencedEvents"/>): the next
/// dense event ids, in log order, each with its entry's log index; subscribers are told once the cycle commits.
/// </para>
/// </summary>
public sealed class GroupCommitAccessLog : IAccessLog, IAsyncDisposable
{
    /// <summary>Most in-memory entries (reads) written by one cycle.</summary>
    public const int MaxBatch = 2000;

    /// <summary>
    /// Most queued entries (writes, imports) moved by one cycle; a cycle that takes this many loops again at once. Small
    /// enough that a cycle stays short while an import floods the queue: reads ride in every cycle and wait for it.
    /// </summary>
    public const int MaxQueued = 500;

    public static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(250);

    private const string TakeQueued = """
        SELECT size AS Size, events AS Events FROM log_head FOR UPDATE;
        DELETE FROM access_log_queue WHERE queue_id IN (SELECT queue_id FROM access_log_queue ORDER BY queue_id LIMIT @limit)
        RETURNING queue_id AS QueueId, occurred_at AS OccurredAt, caller_id AS CallerId, action AS Action, object_type AS ObjectType,
                  object_id AS ObjectId, holder_index AS HolderIndex, purpose AS Purpose, matter_code AS MatterCode,
                  case_number AS CaseNumber, fields AS Fields, outcome AS Outcome, delegation_id AS DelegationId;
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly EventBell? _events;
    private readonly TimeProvider _time;
    private readonly ILogger<GroupCommitAccessLog> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(100_000) { SingleReader = true });
    private readonly Task _writer;

    private readonly Telemetry.HubMetrics? _metrics;

    public GroupCommitAccessLog(NpgsqlDataSource dataSource, TimeProvider time, ILogger<GroupCommitAccessLog> logger, EventBell? events = null, Telemetry.HubMetrics? metrics = null)
    {
        _metrics = metrics;
        _events = events;
        _dataSource = dataSource;
        _time = time;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    public async Task<AccessLogEntry> AppendAsync(AccessRecord record, CancellationToken cancellationToken)
    {
        AccessRecordLimits.Check(record);
        var pending = new Pending(record, new TaskCompletionSource<AccessLogEntry?>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return (await pending.Completion.Task.WaitAsync(cancellationToken))!;
    }

    /// <summary>
    /// Returns once every entry that a transaction committed to <c>access_log_queue</c> before this call has its index
    /// in <c>access_log</c>. Throws when the log cannot be written; the queued entries stay and are sequenced later.
    /// </summary>
    public async Task SequenceCommittedAsync(CancellationToken cancellationToken)
    {
        var marker = new Pending(null, new TaskCompletionSource<AccessLogEntry?>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(marker, cancellationToken);
        await marker.Completion.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        var reads = new List<Pending>(MaxBatch);
        var markers = new List<Pending>();
        var more = false;
        while (true)
        {
            // More queued rows than one cycle takes: go again at once. Otherwise wait for work, sweeping when idle.
            if (!more && !_queue.Reader.TryPeek(out _) && !await WaitOrSweepAsync())
            {
                return;
            }

            reads.Clear();
            while (reads.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                (next.Record is null ? markers : reads).Add(next);
            }

            try
            {
                var (entries, drained) = await WriteBatchAsync(reads);
                for (var i = 0; i < reads.Count; i++)
                {
                    reads[i].Completion.TrySetResult(entries[i]);
                }

                more = !drained;
                if (drained)
                {
                    // This cycle began after every marker was enqueued, hence after its transaction committed, and
                    // left nothing committed behind: each marker's entries are sequenced (here or by another replica).
                    foreach (var marker in markers)
                    {
                        marker.Completion.TrySetResult(null);
                    }

                    markers.Clear();
                }
            }
#pragma warning disable CA1031 // the writer must outlive any failure: a dead loop would hang every later read
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.AccessLogBatchFailed(reads.Count + markers.Count, e);
                var refusal = new HubException(HubError.Unavailable(ReasonCodes.AccessLogUnavailable, "the access log could not be written, so nothing is disclosed; retry shortly."));
                foreach (var pending in reads.Concat(markers))
                {
                    pending.Completion.TrySetException(refusal);
                }

                markers.Clear();
                more = false;
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time);
            }
        }
    }

    /// <summary>Waits for the next request; every <see cref="SweepInterval"/> of quiet, checks the queue for orphans. False once disposed.</summary>
    private async Task<bool> WaitOrSweepAsync()
    {
        while (true)
        {
            using var quiet = new CancellationTokenSource(SweepInterval, _time);
            try
            {
                return await _queue.Reader.WaitToReadAsync(quiet.Token);
            }
            catch (OperationCanceledException) when (quiet.IsCancellationRequested)
            {
                if (await QueueHasRowsAsync())
                {
                    return true;
                }
            }
        }
    }

    private async Task<bool> QueueHasRowsAsync()
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync();
            return await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM access_log_queue)");
        }
        catch (Exception e) when (e is NpgsqlException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>One cycle; returns the reads' entries and whether the queue was drained of every committed row.</summary>
    private async Task<(List<AccessLogEntry> Reads, bool Drained)> WriteBatchAsync(List<Pending> reads)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        long next;
        long headEvents;
        List<QueuedRow> queued;
        await using (var taken = await connection.QueryMultipleAsync(new CommandDefinition(TakeQueued, new { limit = MaxQueued }, transaction)))
        {
            var head = await taken.ReadSingleAsync<(long Size, long Events)>();
            (next, headEvents) = (head.Size, head.Events);
            queued = [.. (await taken.ReadAsync<QueuedRow>()).OrderBy(r => r.QueueId)];
        }

        var entries = new List<AccessLogEntry>(reads.Count);
        if (queued.Count + reads.Count == 0)
        {
            await transaction.RollbackAsync();
            return (entries, true);
        }

        // The cycle's entries in log order — queued changes first, then the reads — their JSON, and their leaves
        // hashed together (eight at a time) before the one COPY.
        var occurredAt = AccessEntryFormat.Truncate(_time.GetUtcNow());
        var firstQueued = next;
        var records = new List<(DateTimeOffset OccurredAt, AccessRecord Record)>(queued.Count + reads.Count);
        records.AddRange(queued.Select(row => (new DateTimeOffset(DateTime.SpecifyKind(row.OccurredAt, DateTimeKind.Utc)), row.ToRecord())));
        records.AddRange(reads.Select(read => (occurredAt, read.Record!)));
        var jsons = new string[records.Count];
        for (var i = 0; i < jsons.Length; i++)
        {
            jsons[i] = AccessEntryFormat.EntryJson(firstQueued + i, records[i].OccurredAt, records[i].Record);
        }

        var leaves = AccessEntryFormat.LeafHashes(jsons);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY access_log (log_index, occurred_at, caller_id, action, object_type, object_id, holder_index, purpose, matter_code, case_number, fields, outcome, delegation_id, entry_json, leaf_hash) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < jsons.Length; i++)
            {
                var entry = new AccessLogEntry(firstQueued + i, records[i].OccurredAt, records[i].Record, jsons[i], leaves[i]);
                await WriteRowAsync(copy, entry);
                if (i >= queued.Count)
                {
                    entries.Add(entry);
                }
            }

            await copy.CompleteAsync();
        }

        next = firstQueued + jsons.Length;

        // Queued entries are changes, which may have queued events: they are numbered with the head's move.
        var events = queued.Count == 0
            ? await connection.ExecuteScalarAsync<long>(new CommandDefinition("UPDATE log_head SET size = @next RETURNING events", new { next }, transaction))
            : await PostgresSequencedEvents.AdvanceHeadAsync(
                connection,
                transaction,
                next,
                headEvents,
                [.. queued.Select(r => r.QueueId)],
                [.. queued.Select((_, i) => firstQueued + i)],
                [.. queued.Select(r => new DateTimeOffset(DateTime.SpecifyKind(r.OccurredAt, DateTimeKind.Utc)))]);
        await transaction.CommitAsync();
        _metrics?.AppendBatch(queued.Count + reads.Count);
        if (events > headEvents)
        {
            _events?.Sequenced(events);
        }

        return (entries, queued.Count < MaxQueued);
    }

    private static async Task WriteRowAsync(NpgsqlBinaryImporter copy, AccessLogEntry entry)
    {
        var record = entry.Record;
        await copy.StartRowAsync();
        await copy.WriteAsync(entry.LogIndex, NpgsqlDbType.Bigint);
        await copy.WriteAsync(entry.OccurredAt, NpgsqlDbType.TimestampTz);
        await copy.WriteAsync(record.CallerId, NpgsqlDbType.Uuid);
        await copy.WriteAsync(record.Action, NpgsqlDbType.Varchar);
        await WriteNullableAsync(copy, record.ObjectType, NpgsqlDbType.Varchar);
        await WriteNullableAsync(copy, record.ObjectId, NpgsqlDbType.Varchar);
        await WriteNullableAsync(copy, record.HolderIndex, NpgsqlDbType.Bytea);
        await WriteNullableAsync(copy, record.Purpose, NpgsqlDbType.Varchar);
        await WriteNullableAsync(copy, record.MatterCode, NpgsqlDbType.Varchar);
        await WriteNullableAsync(copy, record.CaseNumber, NpgsqlDbType.Varchar);
        await copy.WriteAsync(record.Fields.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        await copy.WriteAsync(record.Outcome, NpgsqlDbType.Varchar);
        if (record.DelegationId is { } delegation)
        {
            await copy.WriteAsync(delegation, NpgsqlDbType.Uuid);
        }
        else
        {
            await copy.WriteNullAsync();
        }

        await copy.WriteAsync(entry.EntryJson, NpgsqlDbType.Text);
        await copy.WriteAsync(entry.LeafHash, NpgsqlDbType.Bytea);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
        where T : class =>
        value is null ? copy.WriteNullAsync() : copy.WriteAsync(value, type);

    /// <summary>A read's entry waiting for its batch, or (with no record) a write waiting for the queue to be sequenced.</summary>
    private sealed record Pending(AccessRecord? Record, TaskCompletionSource<AccessLogEntry?> Completion);

    private sealed class QueuedRow
    {
        public long QueueId { get; init; }

        public DateTime OccurredAt { get; init; }

        public Guid CallerId { get; init; }

        public string Action { get; init; } = string.Empty;

        public string? ObjectType { get; init; }

        public string? ObjectId { get; init; }

        public byte[]? HolderIndex { get; init; }

        public string? Purpose { get; init; }

        public string? MatterCode { get; init; }

        public string? CaseNumber { get; init; }

        public string[] Fields { get; init; } = [];

        public string Outcome { get; init; } = string.Empty;

        public Guid? DelegationId { get; init; }

        public AccessRecord ToRecord() => new()
        {
            CallerId = CallerId,
            Action = Action,
            ObjectType = ObjectType,
            ObjectId = ObjectId,
            HolderIndex = HolderIndex,
            Purpose = Purpose,
            MatterCode = MatterCode,
            CaseNumber = CaseNumber,
            Fields = Fields,
            Outcome = Outcome,
            DelegationId = DelegationId,
        };
    }
}
