namespace Hub.Server;

/// <summary>
/// Every log line the server writes, its event id from <see cref="HubLogEvents"/>. Messages carry ids and names of
/// operations, never personal data.
/// </summary>
internal static partial class HubLog
{
    [LoggerMessage(HubLogEvents.TlsDisabled, LogLevel.Warning, "The TLS port is off: set Hub:Endpoints:CertificatePath and KeyPath to serve TLS outside the embedded default")]
    public static partial void TlsDisabled(this ILogger logger);

    [LoggerMessage(HubLogEvents.MigrationApplied, LogLevel.Information, "Applied migration {Migration}")]
    public static partial void MigrationApplied(this ILogger logger, string migration);

    [LoggerMessage(HubLogEvents.ExpiredRowsSwept, LogLevel.Debug, "Swept {Rows} expired nonce and idempotency rows")]
    public static partial void ExpiredRowsSwept(this ILogger logger, int rows);

    [LoggerMessage(HubLogEvents.SweepFailed, LogLevel.Warning, "Sweeping expired rows failed; will retry")]
    public static partial void SweepFailed(this ILogger logger, Exception exception);

    [LoggerMessage(HubLogEvents.RedisUnavailable, LogLevel.Warning, "Redis did not answer ({Operation}, {Error}); using the fallback")]
    public static partial void RedisUnavailable(this ILogger logger, string operation, string error);

    [LoggerMessage(HubLogEvents.RedisCircuitOpened, LogLevel.Warning, "Redis failed repeatedly ({Error}): not asked for {Seconds} s, fallbacks in use")]
    public static partial void RedisCircuitOpened(this ILogger logger, double seconds, string error);

    [LoggerMessage(HubLogEvents.RedisCircuitClosed, LogLevel.Information, "Redis answers again: circuit closed")]
    public static partial void RedisCircuitClosed(this ILogger logger);

    [LoggerMessage(HubLogEvents.NoRoleDeclared, LogLevel.Error, "{Method} declares no role; every call to it is refused")]
    public static partial void NoRoleDeclared(this ILogger logger, string method);

    [LoggerMessage(HubLogEvents.RoleMissing, LogLevel.Information, "Caller {CallerId} lacks the role for {Method}")]
    public static partial void RoleMissing(this ILogger logger, Guid callerId, string method);

    [LoggerMessage(HubLogEvents.RateLimited, LogLevel.Information, "Caller {CallerId} is over its rate limit on {Method}")]
    public static partial void RateLimited(this ILogger logger, Guid callerId, string method);

    [LoggerMessage(HubLogEvents.UnknownCredential, LogLevel.Information, "Unknown credentials presented for {Method}")]
    public static partial void UnknownCredential(this ILogger logger, string method);

    [LoggerMessage(HubLogEvents.DisabledCallerRefused, LogLevel.Information, "Disabled caller {CallerId} refused on {Method}")]
    public static partial void DisabledCallerRefused(this ILogger logger, Guid callerId, string method);

    [LoggerMessage(HubLogEvents.CallerRegistered, LogLevel.Information, "Caller {CallerId} registered by {AdminId}")]
    public static partial void CallerRegistered(this ILogger logger, Guid callerId, Guid adminId);

    [LoggerMessage(HubLogEvents.CallerDisabled, LogLevel.Information, "Caller {CallerId} disabled by {AdminId}")]
    public static partial void CallerDisabled(this ILogger logger, Guid callerId, Guid adminId);

    [LoggerMessage(HubLogEvents.CallerKeyRotated, LogLevel.Information, "Caller {CallerId} was given a new API key by {AdminId}")]
    public static partial void CallerKeyRotated(this ILogger logger, Guid callerId, Guid adminId);

    [LoggerMessage(HubLogEvents.BootstrapAdminCreated, LogLevel.Information, "Bootstrap ADMIN caller {CallerId} created")]
    public static partial void BootstrapAdminCreated(this ILogger logger, Guid callerId);

    [LoggerMessage(HubLogEvents.AdminKeyFileMissing, LogLevel.Warning, "An ADMIN caller exists but its key file {Path} is missing; the key cannot be shown again")]
    public static partial void AdminKeyFileMissing(this ILogger logger, string path);

    [LoggerMessage(HubLogEvents.SigningKeyRotated, LogLevel.Warning, "Seal key {KeyId} is now active; {RetiredKeyId} retired")]
    public static partial void SigningKeyRotated(this ILogger logger, string keyId, string retiredKeyId);

    [LoggerMessage(HubLogEvents.SigningKeyRevoked, LogLevel.Warning, "Seal key {KeyId} revoked; active key is {ActiveKeyId}")]
    public static partial void SigningKeyRevoked(this ILogger logger, string keyId, string activeKeyId);

    [LoggerMessage(HubLogEvents.SigningKeysNotReloaded, LogLevel.Warning, "Reloading the seal keys in the background failed; the next request past the stale limit reloads them itself")]
    public static partial void SigningKeysNotReloaded(this ILogger logger, Exception exception);

    [LoggerMessage(HubLogEvents.DemoDataSeeded, LogLevel.Information, "Demo data seeded: {Licenses} licenses; demo API keys are in the state folder's demo-keys/")]
    public static partial void DemoDataSeeded(this ILogger logger, int licenses);

    [LoggerMessage(HubLogEvents.WitnessRefused, LogLevel.Warning, "Witness {Witness} refused the checkpoint ({Status}): {Reason}")]
    public static partial void WitnessRefused(this ILogger logger, string witness, int status, string reason);

    [LoggerMessage(HubLogEvents.WitnessUnreachable, LogLevel.Warning, "Witness {Witness} did not answer ({Error}); the log goes on without its cosignature and asks again at each checkpoint interval")]
    public static partial void WitnessUnreachable(this ILogger logger, string witness, string error);

    [LoggerMessage(HubLogEvents.WitnessCosigned, LogLevel.Information, "Witness {Witness} cosigns again, up to size {TreeSize}")]
    public static partial void WitnessCosigned(this ILogger logger, string witness, long treeSize);

    [LoggerMessage(HubLogEvents.CheckpointNotBelieved, LogLevel.Critical, "The latest checkpoint (key {KeyId}) is not believed: {Problem}")]
    public static partial void CheckpointNotBelieved(this ILogger logger, string keyId, string problem);

    [LoggerMessage(HubLogEvents.AccessLogTampered, LogLevel.Critical, "Access log entry {LogIndex} does not match its leaf hash or is missing; no checkpoint will be signed over it")]
    public static partial void AccessLogTampered(this ILogger logger, long logIndex);

    [LoggerMessage(HubLogEvents.CheckpointLeader, LogLevel.Information, "This replica now writes the access log's checkpoints")]
    public static partial void CheckpointLeader(this ILogger logger);

    [LoggerMessage(HubLogEvents.CheckpointFailed, LogLevel.Warning, "Writing a checkpoint failed; will retry")]
    public static partial void CheckpointFailed(this ILogger logger, Exception exception);

    [LoggerMessage(HubLogEvents.AccessLogBatchFailed, LogLevel.Error, "Writing a batch of {Count} access-log entries failed; those calls are refused")]
    public static partial void AccessLogBatchFailed(this ILogger logger, int count, Exception exception);

    [LoggerMessage(HubLogEvents.SequencingDelayed, LogLevel.Warning, "A committed change's access-log entry is not sequenced yet; it stays queued and the log writer's next cycle takes it")]
    public static partial void SequencingDelayed(this ILogger logger, Exception exception);

    [LoggerMessage(HubLogEvents.DatabaseUnavailable, LogLevel.Warning, "{Method} failed: the database is unavailable")]
    public static partial void DatabaseUnavailable(this ILogger logger, string method, Exception exception);

    [LoggerMessage(HubLogEvents.ProviderFailed, LogLevel.Warning, "Provider {ProviderOrgCode} of {ResourceCode} answered {Status}; attempt {Attempt}")]
    public static partial void ProviderFailed(this ILogger logger, string providerOrgCode, string resourceCode, Grpc.Core.StatusCode status, int attempt);

    [LoggerMessage(HubLogEvents.ProviderTimedOut, LogLevel.Warning, "Provider {ProviderOrgCode} of {ResourceCode} did not answer within {Milliseconds} ms")]
    public static partial void ProviderTimedOut(this ILogger logger, string providerOrgCode, string resourceCode, int milliseconds);

    [LoggerMessage(HubLogEvents.ProviderBusy, LogLevel.Warning, "Provider {ProviderOrgCode} is at its limit of {Limit} queries in flight; a query gave up waiting")]
    public static partial void ProviderBusy(this ILogger logger, string providerOrgCode, int limit);

    [LoggerMessage(HubLogEvents.DemoProviderNotStarted, LogLevel.Warning, "The demo data provider could not listen on port {Port}; demo queries will answer UNAVAILABLE (set Hub:Demo:ProviderPort)")]
    public static partial void DemoProviderNotStarted(this ILogger logger, int port, Exception exception);

    [LoggerMessage(HubLogEvents.EventNoticeFailed, LogLevel.Warning, "Other replicas could not be told of new events ({Error}); they read them at their next poll")]
    public static partial void EventNoticeFailed(this ILogger logger, string error);

    [LoggerMessage(HubLogEvents.WebhookDeliveryFailed, LogLevel.Information, "Webhook {WebhookId}: event {EventId} not delivered (attempt {Attempt}): {Error}; retrying in {DelayMilliseconds} ms")]
    public static partial void WebhookDeliveryFailed(this ILogger logger, Guid webhookId, long eventId, int attempt, string error, long delayMilliseconds);

    [LoggerMessage(HubLogEvents.WebhookDeadLettered, LogLevel.Warning, "Webhook {WebhookId}: event {EventId} failed {Attempts} times and is in the dead-letter list: {Error}")]
    public static partial void WebhookDeadLettered(this ILogger logger, Guid webhookId, long eventId, int attempts, string error);

    [LoggerMessage(HubLogEvents.EventsSwept, LogLevel.Information, "Deleted {Count} events older than the retention window")]
    public static partial void EventsSwept(this ILogger logger, int count);

    [LoggerMessage(HubLogEvents.WebhookDispatchFailed, LogLevel.Warning, "Webhook dispatch cycle failed")]
    public static partial void WebhookDispatchFailed(this ILogger logger, Exception exception);

    [LoggerMessage(HubLogEvents.DateNoticesWritten, LogLevel.Information, "Noticed {Count} date-driven changes (licenses expired, grants overdue or expired)")]
    public static partial void DateNoticesWritten(this ILogger logger, int count);

    [LoggerMessage(HubLogEvents.DateNoticeFailed, LogLevel.Warning, "{Notice} failed; it runs again in ten minutes")]
    public static partial void DateNoticeFailed(this ILogger logger, string notice, Exception exception);

    [LoggerMessage(HubLogEvents.WebhookEventsExpired, LogLevel.Warning, "Webhook {WebhookId} was delivered through {Through}, but events before {Oldest} are past retention: they are skipped; the receiver must resync")]
    public static partial void WebhookEventsExpired(this ILogger logger, Guid webhookId, long through, long oldest);
}
