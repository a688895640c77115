using System.Diagnostics.CodeAnalysis;

namespace Hub.Core.Errors;

/// <summary>The result of a rule: a value, or the <see cref="HubError"/> that explains why there is none.</summary>
public readonly struct Outcome<T>
{
    private readonly T? _value;
    private readonly HubError? _error;

    private Outcome(T? value, HubError? error)
    {
        _value = value;
        _error = error;
    }

    [MemberNotNullWhen(true, nameof(Error))]
    public bool Failed => _error is not null;

    public HubError? Error => _error;

    /// <summary>The value; reading it from a failed outcome is a programming error.</summary>
    public T Value => _error is null ? _value! : throw new InvalidOperationException($"Outcome failed: {_error.Reason}");

#pragma warning disable CA1000, CA2225 // rules return values or errors directly; the factories name the intent
    public static Outcome<T> Ok(T value) => new(value, null);

    public static Outcome<T> Fail(HubError error) => new(default, error);

    public static implicit operator Outcome<T>(T value) => Ok(value);

    public static implicit operator Outcome<T>(HubError error) => Fail(error);
#pragma warning restore CA1000, CA2225
}
