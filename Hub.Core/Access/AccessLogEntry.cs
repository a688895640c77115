namespace Hub.Core.Access;

/// <summary>An access record once it is in the log: its dense 0-based index and the time it was written.</summary>
public sealed record AccessLogEntry(long LogIndex, DateTimeOffset OccurredAt, AccessRecord Record);
