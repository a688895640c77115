using Hub.Core.Callers;
using Hub.Signing.Sm2;

namespace Hub.Server.Callers;

/// <summary>The result of checking a credential: its status and, when known, the caller.</summary>
public sealed record CallerCredentialCheck(CallerCredentialStatus Status, Caller? Caller)
{
    public static CallerCredentialCheck Unknown { get; } = new(CallerCredentialStatus.Unknown, null);

    /// <summary>The key this caller's holder assertions must verify with (parsed once, remembered with the check).</summary>
    public Sm2PublicKey? AssertionKey { get; init; }

    public static CallerCredentialCheck From(CallerRecord? record) => record switch
    {
        null => Unknown,
        { Disabled: true } => new(CallerCredentialStatus.Disabled, record.Caller),
        _ => new(CallerCredentialStatus.Active, record.Caller)
        {
            AssertionKey = record.AssertionKey is { } key ? Sm2PublicKey.FromSubjectPublicKeyInfo(key) : null,
        },
    };
}
