namespace Hub.Core.Errors;

/// <summary>
/// Carries a <see cref="HubError"/> through code that cannot return an <see cref="Outcome{T}"/>
/// (an interceptor, a validation helper deep in parsing). Mapped to a status by the same mapping.
/// </summary>
public sealed class HubException(HubError error) : Exception(error.Message)
{
    public HubError Error { get; } = error;
}
