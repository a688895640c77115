namespace Hub.Core.Access;

/// <summary>
/// One access to the Hub as the access log keeps it: who, what, about whom (blind index only), why, and the outcome.
/// It never holds personal data in plain text: holders appear as their blind index, disclosed fields by name.
/// </summary>
public sealed record AccessRecord
{
    public required Guid CallerId { get; init; }

    /// <summary>The RPC or operation, e.g. <c>admin.RegisterCaller</c>.</summary>
    public required string Action { get; init; }

    public string? ObjectType { get; init; }

    public string? ObjectId { get; init; }

    /// <summary>HMAC-SM3 blind index of the holder the access was about, if any.</summary>
    public byte[]? HolderIndex { get; init; }

    /// <summary>用证事由: why the caller accessed the data.</summary>
    public string? Purpose { get; init; }

    public string? MatterCode { get; init; }

    public string? CaseNumber { get; init; }

    /// <summary>Names (never values) of the fields disclosed.</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];

    public required string Outcome { get; init; }

    /// <summary>The delegation (委托授权) under which a delegate acted for the holder; null when nobody acted for anyone.</summary>
    public Guid? DelegationId { get; init; }
}
