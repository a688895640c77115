using Hub.Core.Errors;
using Hub.Core.Validation;

namespace Hub.Server.Callers;

/// <summary>Registered callers (departmental systems), found by API-key hash or client-certificate thumbprint.</summary>
public interface ICallerStore
{
    Task<CallerRecord?> FindByApiKeyHashAsync(byte[] apiKeyHash, CancellationToken cancellationToken);

    Task<CallerRecord?> FindByIdAsync(Guid callerId, CancellationToken cancellationToken);

    Task<CallerRecord?> FindByCertificateAsync(string thumbprint, CancellationToken cancellationToken);

    Task<bool> AnyActiveAdminAsync(CancellationToken cancellationToken);

    /// <summary>Every registered credential, enabled or not: API-key hashes (lower-case hex) and certificate thumbprints.</summary>
    Task<(IReadOnlyList<string> ApiKeyHashes, IReadOnlyList<string> Thumbprints)> CredentialsAsync(CancellationToken cancellationToken);

    /// <summary>Registers a caller with its audit entry; <c>CALLER_EXISTS</c> / <c>CERTIFICATE_IN_USE</c> when taken.</summary>
    Task<Outcome<CallerRecord>> RegisterAsync(NewCaller caller, byte[] apiKeyHash, Guid? registeredBy, CancellationToken cancellationToken);

    /// <summary>Disables a caller with its audit entry; never the last active ADMIN (<c>LAST_ADMIN</c>).</summary>
    Task<Outcome<CallerRecord>> DisableAsync(Guid callerId, string reason, Guid disabledBy, CancellationToken cancellationToken);

    /// <summary>Replaces an active caller's API-key hash with its audit entry; <c>CALLER_NOT_FOUND</c>, <c>CALLER_DISABLED</c>.</summary>
    Task<Outcome<CallerRecord>> ReplaceApiKeyAsync(Guid callerId, byte[] apiKeyHash, string reason, Guid rotatedBy, CancellationToken cancellationToken);

    /// <summary>Newest first, keyset-paged by (created_at, caller_id).</summary>
    Task<(IReadOnlyList<CallerRecord> Callers, string? NextCursor)> ListAsync(PageRequest page, bool includeDisabled, CancellationToken cancellationToken);
}
