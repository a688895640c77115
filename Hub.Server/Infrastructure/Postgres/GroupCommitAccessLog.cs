using System.Threading.Channels;
using Dapper;
using Hub.Core.Access;
using Hub.Core.Errors;
using Npgsql;
using NpgsqlTypes;

namespace Hub.Server.Infrastructure.Postgres;

/// <summary>
/// The access log for reads: entries from concurrent requests are written together, one transaction and one binary
/// COPY per batch, so the log is never the bottleneck of a read path. Each caller waits for its batch to commit
/// before its answer leaves (nothing is disclosed unlogged); if the batch fails, every call in it fails with
/// <c>Unavailable</c>. Indices come from the same locked log head as single appends, so the order stays one.
/// </summary>
public sealed class GroupCommitAccessLog : IAccessLog, IAsyncDisposable
{
    public const int MaxBatch = 2000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger<GroupCommitAccessLog> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(100_000) { SingleReader = true });
    private readonly Task _writer;

    public GroupCommitAccessLog(NpgsqlDataSource dataSource, TimeProvider time, ILogger<GroupCommitAccessLog> logger)
    {
        _dataSource = dataSource;
        _time = time;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    public async Task<AccessLogEntry> AppendAsync(AccessRecord record, CancellationToken cancellationToken)
    {
        var pending = new Pending(record, new TaskCompletionSource<AccessLogEntry>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        return await pending.Completion.Task.WaitAsync(cancellationToken);
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
                var entries = await WriteBatchAsync(batch);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Completion.TrySetResult(entries[i]);
                }
            }
#pragma warning disable CA1031 // the writer must outlive any failure: a dead loop would hang every later read
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.AccessLogBatchFailed(batch.Count, e);
                var refusal = new HubException(HubError.Unavailable("ACCESS_LOG_UNAVAILABLE", "the access log could not be written, so nothing is disclosed; retry shortly."));
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(refusal);
                }
            }
        }
    }

    private async Task<List<AccessLogEntry>> WriteBatchAsync(List<Pending> batch)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var first = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE log_head SET size = size + @count RETURNING size - @count", new { count = (long)batch.Count }, transaction));
        var occurredAt = AccessEntryFormat.Truncate(_time.GetUtcNow());
        var entries = new List<AccessLogEntry>(batch.Count);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY access_log (log_index, occurred_at, caller_id, action, object_type, object_id, holder_index, purpose, matter_code, case_number, fields, outcome, entry_json, leaf_hash) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                var record = batch[i].Record;
                var index = first + i;
                var json = AccessEntryFormat.EntryJson(index, occurredAt, record);
                var leaf = AccessEntryFormat.LeafHash(json);
                entries.Add(new AccessLogEntry(index, occurredAt, record, json, leaf));
                await copy.StartRowAsync();
                await copy.WriteAsync(index, NpgsqlDbType.Bigint);
                await copy.WriteAsync(occurredAt, NpgsqlDbType.TimestampTz);
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
                await copy.WriteAsync(json, NpgsqlDbType.Text);
                await copy.WriteAsync(leaf, NpgsqlDbType.Bytea);
            }

            await copy.CompleteAsync();
        }

        await transaction.CommitAsync();
        return entries;
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
        where T : class =>
        value is null ? copy.WriteNullAsync() : copy.WriteAsync(value, type);

    private sealed record Pending(AccessRecord Record, TaskCompletionSource<AccessLogEntry> Completion);
}
