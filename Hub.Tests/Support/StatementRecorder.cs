using System.Collections.Concurrent;
using System.Diagnostics;

namespace Hub.Tests.Support;

/// <summary>
/// Records the SQL statements Npgsql runs against one database while it is listening, from Npgsql's own trace
/// activities, and whether each ran while the hub was serving a request (an ASP.NET Core request activity among its
/// ancestors) or in the background (the log writer's cycle, checkpoints, notices). Other tests' databases are ignored.
/// </summary>
public sealed class StatementRecorder : IDisposable
{
    private const string RequestActivity = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private readonly string _database;
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<RecordedStatement> _statements = new();

    public StatementRecorder(string connectionString)
    {
        _database = new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Database!;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Npgsql" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Everything recorded so far, in the order the statements finished.</summary>
    public IReadOnlyList<RecordedStatement> Statements => [.. _statements];

    /// <summary>Forgets what was recorded (for example the warm-up before the part a test measures).</summary>
    public void Clear() => _statements.Clear();

    public void Dispose() => _listener.Dispose();

    private void Record(Activity activity)
    {
        if (activity.Source.Name != "Npgsql" || activity.GetTagItem("db.namespace") as string != _database)
        {
            return;
        }

        var servingRequest = false;
        for (var ancestor = activity.Parent; ancestor is not null && !servingRequest; ancestor = ancestor.Parent)
        {
            servingRequest = ancestor.OperationName == RequestActivity;
        }

        _statements.Enqueue(new RecordedStatement(activity.GetTagItem("db.query.text") as string ?? activity.DisplayName, servingRequest));
    }
}

/// <summary>One statement Npgsql ran: its text, and whether it ran while the hub served a request.</summary>
public sealed record RecordedStatement(string Sql, bool ServingRequest);
