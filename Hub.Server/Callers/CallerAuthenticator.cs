namespace Hub.Server.Callers;

/// <summary>Resolves a presented credential to a caller. Looked up on every call, so a disabled caller is refused at once.</summary>
public sealed class CallerAuthenticator(PostgresCallerStore store)
{
    // A well-formed key is "hub_" + 43 base64url characters; anything far off is refused without a database query.
    private const int MaxKeyLength = 128;

    public async Task<CallerCredentialCheck> ByApiKeyAsync(string apiKey, CancellationToken cancellationToken)
    {
        if (apiKey.Length is 0 or > MaxKeyLength)
        {
            return CallerCredentialCheck.Unknown;
        }

        return CallerCredentialCheck.From(await store.FindByApiKeyHashAsync(ApiKeys.Hash(apiKey), cancellationToken));
    }

    public async Task<CallerCredentialCheck> ByCertificateAsync(string thumbprint, CancellationToken cancellationToken) =>
        CallerCredentialCheck.From(await store.FindByCertificateAsync(thumbprint, cancellationToken));
}
