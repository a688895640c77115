namespace Hub.Server.Catalogue;

/// <summary>A grant in force, as the disclosure preview needs it: which grant, which fields it names.</summary>
public sealed record GrantInForce(Guid GrantId, IReadOnlyList<string> Fields);

/// <summary>
/// What the catalogue asks of the exchange, without depending on it: the grant a consumer holds on a resource today.
/// The exchange implements it (the catalogue never references the exchange, which depends on the catalogue).
/// </summary>
public interface IGrantsInForce
{
    Task<GrantInForce?> FindAsync(Guid consumerId, string resourceCode, DateOnly today, CancellationToken cancellationToken);
}

/// <summary>Whether a data resource may name a plaintext (http://) provider endpoint: set by the exchange, which calls providers.</summary>
public interface IProviderEndpointPolicy
{
    bool AllowPlaintext { get; }
}
