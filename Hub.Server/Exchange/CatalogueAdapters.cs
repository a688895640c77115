using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.Postgres;
using Microsoft.Extensions.Options;

namespace Hub.Server.Exchange;

/// <summary>The catalogue's view of grants in force, from the grant store.</summary>
public sealed class GrantsInForce(IGrantStore grants) : IGrantsInForce
{
    public async Task<GrantInForce?> FindAsync(Guid consumerId, string resourceCode, DateOnly today, CancellationToken cancellationToken) =>
        await grants.FindInForceAsync(consumerId, resourceCode, today, cancellationToken) is { } grant ? new GrantInForce(grant.GrantId, grant.Fields) : null;
}

/// <summary>Plaintext providers are allowed when configured, or by default on the embedded (demo) database only.</summary>
public sealed class ProviderEndpointPolicy(IOptions<ExchangeOptions> options, HubDatabase database) : IProviderEndpointPolicy
{
    public bool AllowPlaintext => options.Value.AllowPlaintextProviders ?? database.Embedded is not null;
}
