using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Callers;
using Hub.Core.Errors;
using Hub.Events.V1;
using Hub.Server.Events.Supervision;
using Hub.Server.Events.Webhooks;

namespace Hub.Server.Events;

/// <summary>Adapts events.proto to the event feed, the webhook desk and the supervision desk: parse, run, map.</summary>
public sealed class EventGrpcService(EventFeed feed, WebhookDesk webhooks, SupervisionDesk supervision) : EventService.EventServiceBase
{
    [RequiresRole(Role.Subscriber, Role.Issuer, Role.Verifier, Role.Provider, Role.Consumer)]
    public override Task Subscribe(SubscribeRequest request, IServerStreamWriter<SubscribeResponse> responseStream, ServerCallContext context) =>
        Rpc.StreamAsync(SubscribeCommand.Parse(request), command => feed.RunAsync(
            command, EventAudience.Of(context.GetCaller()), message => responseStream.WriteAsync(message, context.CancellationToken), context.CancellationToken));

    [RequiresRole(Role.Subscriber, Role.Issuer, Role.Verifier, Role.Provider, Role.Consumer)]
    public override Task<RegisterWebhookResponse> RegisterWebhook(RegisterWebhookRequest request, ServerCallContext context) =>
        Rpc.RunAsync(webhooks.Parse(request), command => webhooks.RegisterAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Subscriber, Role.Issuer, Role.Verifier, Role.Provider, Role.Consumer)]
    public override Task<ListWebhooksResponse> ListWebhooks(ListWebhooksRequest request, ServerCallContext context) =>
        Rpc.RunAsync(webhooks.ListAsync(context.GetCaller(), context.CancellationToken));

    [RequiresRole(Role.Subscriber, Role.Issuer, Role.Verifier, Role.Provider, Role.Consumer)]
    public override Task<DeleteWebhookResponse> DeleteWebhook(DeleteWebhookRequest request, ServerCallContext context) =>
        Rpc.RunAsync(WebhookDesk.ParseId(request.WebhookId, "webhook_id"), id => webhooks.DeleteAsync(context.GetCaller(), id, context.CancellationToken));

    [RequiresRole(Role.Subscriber, Role.Issuer, Role.Verifier, Role.Provider, Role.Consumer)]
    public override Task<ListFailedDeliveriesResponse> ListFailedDeliveries(ListFailedDeliveriesRequest request, ServerCallContext context) =>
        Rpc.RunAsync(WebhookDesk.ParseOptionalId(request.WebhookId, "webhook_id"), id => webhooks.FailedAsync(context.GetCaller(), id, context.CancellationToken));

    [RequiresRole(Role.Subscriber, Role.Issuer, Role.Verifier, Role.Provider, Role.Consumer)]
    public override Task<RedeliverFailedResponse> RedeliverFailed(RedeliverFailedRequest request, ServerCallContext context) =>
        Rpc.RunAsync(RedeliverCommand.Parse(request), command => webhooks.RedeliverAsync(context.GetCaller(), command, context.CancellationToken));

    [RequiresRole(Role.Supervisor)]
    public override Task<ReportSupervisionResultResponse> ReportSupervisionResult(ReportSupervisionResultRequest request, ServerCallContext context) =>
        Rpc.RunAsync(SupervisionCommand.Parse(request), command => supervision.ReportAsync(context.GetCaller(), command, context.CancellationToken));
}
