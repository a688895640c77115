namespace Hub.Core.Ports;

/// <summary>
/// Consumes one-time nonces atomically across every replica: Redis when configured, else PostgreSQL
/// (never in-process, or a second replica would accept a replay).
/// </summary>
public interface IOneTimeNonceStore
{
    /// <summary>
    /// Returns true the first time a nonce is presented and false every time after, until it expires.
    /// Throws <see cref="Errors.HubException"/> (Unavailable) when the store cannot decide.
    /// </summary>
    Task<bool> TryConsumeAsync(string scope, string nonce, DateTimeOffset expiresAt, CancellationToken cancellationToken);
}
