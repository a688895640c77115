namespace Hub.Core.Access;

/// <summary>
/// An access record once it is in the log: its dense 0-based index, when it was written, its canonical entry JSON and
/// leaf hash (SM3(0x00 ‖ entry_json)) — everything a receipt carries.
/// </summary>
public sealed record AccessLogEntry(long LogIndex, DateTimeOffset OccurredAt, AccessRecord Record, string EntryJson, byte[] LeafHash);
