using Hub.Core.Callers;

namespace Hub.Server.Callers;

/// <summary>The result of checking a credential: its status and, when known, the caller.</summary>
public sealed record CallerCredentialCheck(CallerCredentialStatus Status, Caller? Caller)
{
    public static CallerCredentialCheck Unknown { get; } = new(CallerCredentialStatus.Unknown, null);

    public static CallerCredentialCheck From(CallerRecord? record) => record switch
    {
        null => Unknown,
        { Disabled: true } => new(CallerCredentialStatus.Disabled, record.Caller),
        _ => new(CallerCredentialStatus.Active, record.Caller),
    };
}
