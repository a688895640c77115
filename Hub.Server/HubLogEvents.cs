namespace Hub.Server;

/// <summary>
/// The event id of every log line, by range: 1000 hosting, 1100 PostgreSQL and the access log, 1200 Redis, 2000
/// authentication, 3000 callers, 3100 seal keys, 4000 audit checkpoints, 5000 providers. Ids are what operators alert on:
/// never reuse or renumber one; add within the range.
/// </summary>
internal static class HubLogEvents
{
    // Hosting
    public const int TlsDisabled = 1001;
    public const int DemoDataSeeded = 1002;
    public const int DemoProviderNotStarted = 1003;

    // PostgreSQL and the access log
    public const int MigrationApplied = 1101;
    public const int ExpiredRowsSwept = 1102;
    public const int SweepFailed = 1103;
    public const int AccessLogBatchFailed = 1104;
    public const int DatabaseUnavailable = 1105;
    public const int SequencingDelayed = 1106;

    // Redis
    public const int RedisUnavailable = 1201;
    public const int RedisCircuitOpened = 1202;
    public const int RedisCircuitClosed = 1203;

    // Authentication and authorization
    public const int NoRoleDeclared = 2001;
    public const int RoleMissing = 2002;
    public const int RateLimited = 2003;
    public const int UnknownCredential = 2004;
    public const int DisabledCallerRefused = 2005;

    // Callers
    public const int CallerRegistered = 3001;
    public const int CallerDisabled = 3002;
    public const int BootstrapAdminCreated = 3003;
    public const int AdminKeyFileMissing = 3004;
    public const int CallerKeyRotated = 3005;

    // Seal keys
    public const int SigningKeyRotated = 3101;
    public const int SigningKeyRevoked = 3102;
    public const int SigningKeysNotReloaded = 3103;

    // Audit checkpoints
    public const int AccessLogTampered = 4001;
    public const int CheckpointLeader = 4002;
    public const int CheckpointFailed = 4003;
    public const int CheckpointNotBelieved = 4004;
    public const int WitnessRefused = 4005;
    public const int WitnessUnreachable = 4006;
    public const int WitnessCosigned = 4007;

    // Providers
    public const int ProviderFailed = 5001;
    public const int ProviderTimedOut = 5002;
    public const int ProviderBusy = 5003;

    // Events and webhooks
    public const int EventNoticeFailed = 6001;
    public const int WebhookDeliveryFailed = 6002;
    public const int WebhookDeadLettered = 6003;
    public const int EventsSwept = 6004;
    public const int WebhookDispatchFailed = 6005;
    public const int DateNoticesWritten = 6006;
    public const int DateNoticeFailed = 6007;
    public const int WebhookEventsExpired = 6008;
}
