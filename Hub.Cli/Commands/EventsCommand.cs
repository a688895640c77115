using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using Hub.Events.V1;

namespace Hub.Cli.Commands;

/// <summary>
/// <c>hubctl events tail</c> (follow change events, resume with <c>--after</c>) and
/// <c>hubctl webhooks add|list|delete|failed|redeliver</c>: the 审管协同 side for operators and integrators.
/// </summary>
internal static class EventsCommand
{
    public static Command Events(ConnectionOptions connection, CliEnvironment environment)
    {
        var filter = new FilterOptions();
        var after = new Option<ulong>("--after") { Description = "Start after this event id (the last one you processed; default 0 = the oldest kept)" };
        var count = new Option<int?>("--count") { Description = "Stop after this many events (default: follow until interrupted)" };
        var tail = new Command("tail", "Print change events as they happen, one line each: id, time, type, object, log index, facts") { after, count };
        filter.AddTo(tail);
        tail.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var limit = parsed.GetValue(count) ?? int.MaxValue;
            var seen = 0;
            using var call = new EventService.EventServiceClient(channel).Subscribe(
                new SubscribeRequest { AfterEventId = parsed.GetValue(after), Filter = filter.Read(parsed) }, cancellationToken: cancellationToken);
            try
            {
                while (seen < limit && await call.ResponseStream.MoveNext(cancellationToken))
                {
                    if (call.ResponseStream.Current.Event is { } e)
                    {
                        connection.Output.Write(parsed, environment, e, () => environment.Out.WriteLine(Line(e, connection.Output, parsed)), oneLine: true);
                        seen++;
                    }
                }
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
            }
        }));

        var command = new Command("events", "Change events (审管协同): license, grant, resource and key changes; SUBSCRIBER sees all, others what is addressed to them");
        command.Subcommands.Add(tail);
        return command;
    }

    public static Command Webhooks(ConnectionOptions connection, CliEnvironment environment)
    {
        var command = new Command("webhooks", "Signed HTTP deliveries of change events (HMAC-SM3; docs/events.md)");
        command.Subcommands.Add(Add(connection, environment));
        command.Subcommands.Add(List(connection, environment));
        command.Subcommands.Add(Delete(connection, environment));
        command.Subcommands.Add(Failed(connection, environment));
        command.Subcommands.Add(Redeliver(connection, environment));
        return command;
    }

    private static Command Add(ConnectionOptions connection, CliEnvironment environment)
    {
        var url = new Option<string>("--target-url") { Description = "Where to POST each event (https)", Required = true };
        var secretFile = new Option<FileInfo>("--secret-file") { Description = "A file holding the shared secret, 32-128 characters (e.g. `openssl rand -hex 32 > secret`)", Required = true };
        var after = new Option<ulong>("--after") { Description = "Deliver events after this id (default: only events from now on)" };
        var filter = new FilterOptions();
        var add = new Command("add", "Register a webhook; the secret is sent once and kept sealed") { url, secretFile, after };
        filter.AddTo(add);
        add.SetAction(async (parsed, cancellationToken) =>
        {
            var file = parsed.GetValue(secretFile)!;
            if (!file.Exists)
            {
                throw new CliUsageException($"--secret-file {file.FullName} does not exist.");
            }

            var secret = (await File.ReadAllTextAsync(file.FullName, cancellationToken)).Trim();
            return await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new EventService.EventServiceClient(channel).RegisterWebhookAsync(new RegisterWebhookRequest
                {
                    Url = parsed.GetValue(url)!,
                    Secret = secret,
                    AfterEventId = parsed.GetValue(after),
                    Filter = filter.Read(parsed),
                }, cancellationToken: cancellationToken);
                environment.Out.WriteLine($"registered webhook {response.Webhook.WebhookId}: events after {response.Webhook.DeliveredThrough} go to {response.Webhook.Url}");
            });
        });
        return add;
    }

    private static Command List(ConnectionOptions connection, CliEnvironment environment)
    {
        var list = new Command("list", "This caller's webhooks: id, delivered through, failed deliveries, URL");
        list.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new EventService.EventServiceClient(channel).ListWebhooksAsync(new ListWebhooksRequest(), cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                var table = new TextTable("WEBHOOK_ID", "DELIVERED_THROUGH", "FAILED", "URL") { MaxCellWidth = 80 };
                foreach (var webhook in response.Webhooks)
                {
                    table.Add(webhook.WebhookId, webhook.DeliveredThrough.ToString(CultureInfo.InvariantCulture), webhook.FailedDeliveries.ToString(CultureInfo.InvariantCulture), webhook.Url);
                }

                table.WriteTo(environment.Out);
            });
        }));
        return list;
    }

    private static Command Delete(ConnectionOptions connection, CliEnvironment environment)
    {
        var id = new Argument<string>("webhook-id") { Description = "As `hubctl webhooks list` shows it" };
        var delete = new Command("delete", "Stop a webhook (its dead-letter list goes with it)") { id };
        delete.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            await new EventService.EventServiceClient(channel).DeleteWebhookAsync(new DeleteWebhookRequest { WebhookId = parsed.GetValue(id)! }, cancellationToken: cancellationToken);
            environment.Out.WriteLine($"deleted webhook {parsed.GetValue(id)}");
        }));
        return delete;
    }

    private static Command Failed(ConnectionOptions connection, CliEnvironment environment)
    {
        var id = new Option<string?>("--webhook") { Description = "Only this webhook's (default: all of this caller's)" };
        var failed = new Command("failed", "Deliveries that failed after every retry (the dead-letter list)") { id };
        failed.SetAction(async (parsed, cancellationToken) => await CliCall.RunAsync(connection, parsed, environment, async channel =>
        {
            var response = await new EventService.EventServiceClient(channel).ListFailedDeliveriesAsync(
                new ListFailedDeliveriesRequest { WebhookId = parsed.GetValue(id) ?? string.Empty }, cancellationToken: cancellationToken);
            connection.Output.Write(parsed, environment, response, () =>
            {
                var table = new TextTable("WEBHOOK_ID", "EVENT", "ATTEMPTS", $"LAST FAILED ({connection.Output.ZoneLabel(parsed)})", "LAST ERROR") { MaxCellWidth = 60 };
                foreach (var delivery in response.Deliveries)
                {
                    table.Add(delivery.WebhookId, delivery.EventId.ToString(CultureInfo.InvariantCulture), delivery.Attempts.ToString(CultureInfo.InvariantCulture), connection.Output.Time(parsed, delivery.FailedAt), delivery.LastError);
                }

                table.WriteTo(environment.Out);
                environment.Out.WriteLine($"{response.Deliveries.Count} failed deliveries");
            });
        }));
        return failed;
    }

    private static Command Redeliver(ConnectionOptions connection, CliEnvironment environment)
    {
        var id = new Argument<string>("webhook-id") { Description = "As `hubctl webhooks list` shows it" };
        var events = new Option<ulong[]>("--event") { Description = "Only this failed event; repeat (default: all of the webhook's)", AllowMultipleArgumentsPerToken = true };
        var redeliver = new Command("redeliver", "Send failed deliveries again; those that fail again stay listed") { id, events };
        redeliver.SetAction(async (parsed, cancellationToken) =>
        {
            var exit = 0;
            var result = await CliCall.RunAsync(connection, parsed, environment, async channel =>
            {
                var response = await new EventService.EventServiceClient(channel).RedeliverFailedAsync(
                    new RedeliverFailedRequest { WebhookId = parsed.GetValue(id)!, EventIds = { parsed.GetValue(events) ?? [] } }, cancellationToken: cancellationToken);
                environment.Out.WriteLine($"delivered {response.Delivered}, failed again {response.FailedAgain}");
                exit = response.FailedAgain > 0 ? 1 : 0;
            });
            return result != 0 ? result : exit;
        });
        return redeliver;
    }

    private static string Line(Event e, OutputOptions output, ParseResult parsed)
    {
        var facts = string.Join(" ", e.Data.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key}={d.Value}"));
        var withheld = e.Withheld.Count > 0 ? $" withheld={string.Join(",", e.Withheld)}" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"{e.EventId}  {output.Time(parsed, e.OccurredAt)}  {e.Type,-22}  {e.ObjectId}  log {e.LogIndex}  {facts}{withheld}");
    }

    /// <summary>The filter options shared by `events tail` and `webhooks add`.</summary>
    private sealed class FilterOptions
    {
        private readonly Option<string[]> _types = new("--type") { Description = "Only this event type (e.g. license.revoked); repeat", AllowMultipleArgumentsPerToken = true };
        private readonly Option<string[]> _licenseTypes = new("--license-type") { Description = "Only licenses of this type code; repeat", AllowMultipleArgumentsPerToken = true };
        private readonly Option<string[]> _issuers = new("--issuer") { Description = "Only licenses of this issuer (统一社会信用代码); repeat", AllowMultipleArgumentsPerToken = true };
        private readonly Option<string[]> _matters = new("--matter") { Description = "Only events of this matter code; repeat", AllowMultipleArgumentsPerToken = true };

        public void AddTo(Command command)
        {
            command.Options.Add(_types);
            command.Options.Add(_licenseTypes);
            command.Options.Add(_issuers);
            command.Options.Add(_matters);
        }

        public EventFilter Read(ParseResult parsed) => new()
        {
            EventTypes = { parsed.GetValue(_types) ?? [] },
            LicenseTypes = { parsed.GetValue(_licenseTypes) ?? [] },
            IssuerOrgs = { parsed.GetValue(_issuers) ?? [] },
            Matters = { parsed.GetValue(_matters) ?? [] },
        };
    }
}
