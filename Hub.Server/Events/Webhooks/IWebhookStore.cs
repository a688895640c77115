using Hub.Core.Access;

namespace Hub.Server.Events.Webhooks;

/// <summary>A registered webhook, with what the dispatcher needs: its owner's audience and its secret (sealed).</summary>
public sealed record StoredWebhook(
    Guid WebhookId,
    Guid CallerId,
    string Url,
    EventSelection Selection,
    byte[] SealedSecret,
    long DeliveredThrough,
    DateTimeOffset CreatedAt,
    int FailedDeliveries,
    EventAudience? Owner = null);

/// <summary>A delivery that failed after every retry.</summary>
public sealed record FailedWebhookDelivery(Guid WebhookId, long EventId, int Attempts, string LastError, DateTimeOffset FailedAt);

/// <summary>The delivery lease: held while its database session lives.</summary>
public interface IWebhookLease : IAsyncDisposable
{
    /// <summary>False once the session that holds the lock is gone (a database restart, a dropped connection): stop delivering.</summary>
    Task<bool> HeldAsync(CancellationToken cancellationToken);
}

/// <summary>Webhooks and their dead-letter list. Registration and deletion commit with their audit entry.</summary>
public interface IWebhookStore
{
    /// <summary>
    /// Makes this replica the one that delivers (a session advisory lock held by the returned lease), or null when
    /// another replica does: deliveries are in order because only one replica sends them.
    /// </summary>
    Task<IWebhookLease?> TryLeadAsync(CancellationToken cancellationToken);

    Task<int> CountAsync(Guid callerId, CancellationToken cancellationToken);

    Task InsertAsync(StoredWebhook webhook, AccessRecord audit, CancellationToken cancellationToken);

    /// <summary>The caller's webhooks (none of another caller's), oldest first.</summary>
    Task<IReadOnlyList<StoredWebhook>> ListAsync(Guid callerId, CancellationToken cancellationToken);

    /// <summary>False when the caller has no such webhook.</summary>
    Task<bool> DeleteAsync(Guid callerId, Guid webhookId, AccessRecord audit, CancellationToken cancellationToken);

    /// <summary>Every webhook to deliver to: not deleted, its owner not disabled; with the owner's audience.</summary>
    Task<IReadOnlyList<StoredWebhook>> ActiveAsync(CancellationToken cancellationToken);

    /// <summary>Records that every event up to <paramref name="eventId"/> was handled (only ever moves forward).</summary>
    Task AdvanceAsync(Guid webhookId, long eventId, CancellationToken cancellationToken);

    /// <summary>Puts the event in the dead-letter list and moves past it, in one transaction.</summary>
    Task DeadLetterAsync(FailedWebhookDelivery failure, CancellationToken cancellationToken);

    /// <summary>The caller's failed deliveries (of one webhook, or all), oldest event first.</summary>
    Task<IReadOnlyList<FailedWebhookDelivery>> FailedAsync(Guid callerId, Guid? webhookId, CancellationToken cancellationToken);

    /// <summary>A failed delivery is done with: it went through on redelivery.</summary>
    Task RemoveFailedAsync(Guid webhookId, long eventId, CancellationToken cancellationToken);

    /// <summary>A redelivery failed again: count the attempts and keep the latest error.</summary>
    Task FailedAgainAsync(FailedWebhookDelivery failure, CancellationToken cancellationToken);
}
