using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Hub.Server.Events;

/// <summary>Settings under <c>Hub:Events</c> (docs/events.md).</summary>
public sealed class EventOptions
{
    public const string SectionName = "Hub:Events";

    /// <summary>How long events are kept; a subscriber further behind must resync (EVENTS_EXPIRED).</summary>
    [Range(1, 3650)]
    public int RetentionDays { get; set; } = 30;

    /// <summary>A stream with nothing to send sends a heartbeat this often.</summary>
    [Range(1, 3600)]
    public int HeartbeatSeconds { get; set; } = 15;

    /// <summary>Attempts per webhook delivery before it goes to the dead-letter list.</summary>
    [Range(1, 50)]
    public int WebhookAttempts { get; set; } = 6;

    /// <summary>The wait before the first retry; each next one waits twice as long (at most five minutes).</summary>
    [Range(1, 3_600_000)]
    public int WebhookFirstRetryMilliseconds { get; set; } = 1000;

    /// <summary>How long one delivery may take before it counts as failed.</summary>
    [Range(1, 300)]
    public int WebhookTimeoutSeconds { get; set; } = 10;

    /// <summary>Allows http:// webhook URLs (off: deliveries go over https only; turn on for a test receiver).</summary>
    public bool AllowPlainHttpWebhooks { get; set; }

    /// <summary>Allows webhooks to loopback addresses (off: only for a test receiver on this machine).</summary>
    public bool AllowLoopbackWebhooks { get; set; }

    /// <summary>Most webhooks one caller may have.</summary>
    [Range(1, 1000)]
    public int MaxWebhooksPerCaller { get; set; } = 20;
}

[OptionsValidator]
internal sealed partial class EventOptionsValidator : IValidateOptions<EventOptions>;
