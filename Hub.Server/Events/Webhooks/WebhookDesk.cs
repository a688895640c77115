using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Hub.Core.Access;
using Hub.Core.Callers;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Core.Validation;
using Hub.Events.V1;
using Hub.Server.Infrastructure.Secrets;
using Microsoft.Extensions.Options;

namespace Hub.Server.Events.Webhooks;

/// <summary>Registers, lists and deletes a caller's webhooks, and lists and redelivers its failed deliveries.</summary>
public sealed class WebhookDesk(
    IWebhookStore store, IEventStore events, WebhookSender sender, DataProtector protector, IOptions<EventOptions> options, TimeProvider time)
{
    public const int MinSecretLength = 32;
    public const int MaxSecretLength = 128;
    public const int MaxUrlLength = 2000;

    public Outcome<RegisterWebhookCommand> Parse(RegisterWebhookRequest request)
    {
        var violations = new Violations();
        var url = request.Url.Trim();
        Uri? uri = null;
        if (url.Length is 0 or > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out uri))
        {
            violations.Add("url", $"must be an absolute URL of at most {MaxUrlLength} characters");
        }
        else if (uri.UserInfo.Length > 0)
        {
            violations.Add("url", "must not carry a user name or password; the signature authenticates the hub");
        }
        else if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && options.Value.AllowPlainHttpWebhooks))
        {
            violations.Add("url", "must be https (http only where Hub:Events:AllowPlainHttpWebhooks allows it, e.g. a test receiver)");
        }

        if (uri is not null && System.Net.IPAddress.TryParse(uri.DnsSafeHost, out var literal) && WebhookAddresses.Refusal(literal, options.Value.AllowLoopbackWebhooks) is { } refused)
        {
            violations.Add("url", $"must not be {refused}");
        }

        if (request.Secret.Length is < MinSecretLength or > MaxSecretLength)
        {
            violations.Add("secret", $"must be {MinSecretLength} to {MaxSecretLength} characters (e.g. `openssl rand -hex 32`)");
        }

        var selection = EventSelection.Parse(request.Filter, violations, "filter");
        var after = violations.Position("after_event_id", request.AfterEventId);
        return violations.ToError() is { } error ? error : new RegisterWebhookCommand(url, selection, request.Secret, after);
    }

    public async Task<Outcome<RegisterWebhookResponse>> RegisterAsync(Caller caller, RegisterWebhookCommand command, CancellationToken cancellationToken)
    {
        if (await store.CountAsync(caller.Id, cancellationToken) >= options.Value.MaxWebhooksPerCaller)
        {
            return HubError.FailedPrecondition(
                ReasonCodes.WebhookLimitReached, $"this caller already has {options.Value.MaxWebhooksPerCaller} webhooks; delete one first (Hub:Events:MaxWebhooksPerCaller).");
        }

        var latest = (await events.BoundsAsync(cancellationToken)).Latest;
        if (command.AfterEventId > latest)
        {
            return HubError.FailedPrecondition(
                ReasonCodes.EventIdAhead, string.Create(CultureInfo.InvariantCulture, $"after_event_id {command.AfterEventId} is beyond the latest event, {latest}."));
        }

        var id = Guid.CreateVersion7(time.GetUtcNow());
        var webhook = new StoredWebhook(
            id,
            caller.Id,
            command.Url,
            command.Selection,
            protector.Encrypt(Encoding.UTF8.GetBytes(command.Secret), WebhookSender.SecretContext(id)),
            command.AfterEventId == 0 ? latest : command.AfterEventId,
            time.GetUtcNow(),
            0);
        await store.InsertAsync(webhook, Audit(caller, AuditActions.EventsRegisterWebhook, id), cancellationToken);
        return new RegisterWebhookResponse { Webhook = View(webhook) };
    }

    public async Task<Outcome<ListWebhooksResponse>> ListAsync(Caller caller, CancellationToken cancellationToken) =>
        new ListWebhooksResponse { Webhooks = { (await store.ListAsync(caller.Id, cancellationToken)).Select(View) } };

    public async Task<Outcome<DeleteWebhookResponse>> DeleteAsync(Caller caller, Guid webhookId, CancellationToken cancellationToken) =>
        await store.DeleteAsync(caller.Id, webhookId, Audit(caller, AuditActions.EventsDeleteWebhook, webhookId), cancellationToken)
            ? new DeleteWebhookResponse()
            : NotFound();

    public async Task<Outcome<ListFailedDeliveriesResponse>> FailedAsync(Caller caller, Guid? webhookId, CancellationToken cancellationToken) =>
        new ListFailedDeliveriesResponse
        {
            Deliveries =
            {
                (await store.FailedAsync(caller.Id, webhookId, cancellationToken)).Select(f => new FailedDelivery
                {
                    WebhookId = f.WebhookId.ToString(),
                    EventId = (ulong)f.EventId,
                    Attempts = (uint)f.Attempts,
                    LastError = f.LastError,
                    FailedAt = Timestamp.FromDateTimeOffset(f.FailedAt),
                }),
            },
        };

    /// <summary>Sends the failed deliveries again, once each, in event order; those that fail again stay listed.</summary>
    public async Task<Outcome<RedeliverFailedResponse>> RedeliverAsync(Caller caller, RedeliverCommand command, CancellationToken cancellationToken)
    {
        var webhook = (await store.ActiveAsync(cancellationToken)).FirstOrDefault(w => w.WebhookId == command.WebhookId && w.CallerId == caller.Id);
        if (webhook?.Owner is not { } owner)
        {
            return NotFound();
        }

        var response = new RedeliverFailedResponse();
        foreach (var failed in await store.FailedAsync(caller.Id, webhook.WebhookId, cancellationToken))
        {
            if (command.EventIds.Count > 0 && !command.EventIds.Contains(failed.EventId))
            {
                continue;
            }

            // Read again under the owner's audience today: a caller whose clearance fell is sent less.
            var stored = (await events.ReadAsync(owner, EventSelection.All, failed.EventId - 1, failed.EventId, cancellationToken)).SingleOrDefault();
            var error = stored is null ? "the event is no longer kept" : await sender.SendAsync(webhook, EventView.Build(stored, owner.Clearance), cancellationToken);
            if (error is null)
            {
                await store.RemoveFailedAsync(webhook.WebhookId, failed.EventId, cancellationToken);
                response.Delivered++;
            }
            else
            {
                await store.FailedAgainAsync(failed with { Attempts = 1, LastError = error, FailedAt = time.GetUtcNow() }, cancellationToken);
                response.FailedAgain++;
            }
        }

        return response;
    }

    public static Outcome<Guid> ParseId(string text, string field) =>
        Guid.TryParse(text, out var id) ? id : HubError.InvalidArgument(field, "must be a webhook id (a UUID, as RegisterWebhook or ListWebhooks gave it)");

    public static Outcome<Guid?> ParseOptionalId(string text, string field) =>
        text.Length == 0 ? (Guid?)null : Guid.TryParse(text, out var id) ? id : HubError.InvalidArgument(field, "must be empty or a webhook id (a UUID)");

    private static HubError NotFound() => HubError.NotFound(ReasonCodes.WebhookNotFound, "this caller has no webhook with this id; list them with ListWebhooks.");

    private static AccessRecord Audit(Caller caller, string action, Guid webhookId) => new()
    {
        CallerId = caller.Id,
        Action = action,
        ObjectType = AuditObjects.Webhook,
        ObjectId = webhookId.ToString(),
        Outcome = AuditOutcomes.Ok,
    };

    private static Webhook View(StoredWebhook webhook) => new()
    {
        WebhookId = webhook.WebhookId.ToString(),
        Url = webhook.Url,
        Filter = webhook.Selection.ToProto(),
        DeliveredThrough = (ulong)webhook.DeliveredThrough,
        CreatedAt = Timestamp.FromDateTimeOffset(webhook.CreatedAt),
        FailedDeliveries = (uint)webhook.FailedDeliveries,
    };
}

public sealed record RegisterWebhookCommand(string Url, EventSelection Selection, string Secret, long AfterEventId);

public sealed record RedeliverCommand(Guid WebhookId, IReadOnlySet<long> EventIds)
{
    public static Outcome<RedeliverCommand> Parse(RedeliverFailedRequest request)
    {
        var id = WebhookDesk.ParseId(request.WebhookId, "webhook_id");
        if (id.Failed)
        {
            return id.Error;
        }

        var violations = new Violations();
        var events = request.EventIds.Select((e, i) => violations.Position($"event_ids[{i}]", e)).ToHashSet();
        return violations.ToError() is { } error ? error : new RedeliverCommand(id.Value, events);
    }
}
