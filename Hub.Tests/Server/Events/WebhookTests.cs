using System.Text.Json;
using Grpc.Core;
using Hub.Common.V1;
using Hub.Core.Contracts;
using Hub.Core.Events;
using Hub.Events.V1;
using Hub.Tests.Support;

namespace Hub.Tests.Server.Events;

/// <summary>
/// Signed webhooks against a real HTTP receiver: deliveries in order, signed HMAC-SM3 (checked with OpenSSL, not the
/// hub's code); a failing receiver's deliveries are retried, then dead-lettered, then redelivered on request; and
/// what was not delivered before a restart is delivered after it.
/// </summary>
public sealed class WebhookTests(PostgresCluster postgres) : IDisposable
{
    // The receivers are test servers speaking plain HTTP on loopback; by default the hub delivers over https only.
    private static readonly Dictionary<string, string?> PlainHttp = new() { ["Hub:Events:AllowPlainHttpWebhooks"] = "true", ["Hub:Events:AllowLoopbackWebhooks"] = "true" };

    private const string Secret = "5f1c0d9a7b3e4c2d8e6f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f";
    private readonly string _folder = Directory.CreateTempSubdirectory("hub-tests-webhooks-").FullName;

    [Fact]
    public async Task A_receiver_gets_each_selected_event_in_order_signed_so_that_openssl_verifies_it()
    {
        using var receiver = new WebhookReceiver();
        await using var s = await LicenseScenario.CreateAsync(new HubFactory(postgres, PlainHttp));
        var events = await SubscriberAsync(s);
        var registered = await events.RegisterWebhookAsync(new RegisterWebhookRequest
        {
            Url = receiver.Url,
            Secret = Secret,
            Filter = new EventFilter { EventTypes = { EventTypes.LicenseIssued, EventTypes.LicenseRevoked } },
        });

        var first = await s.IssueAsync("WH-0001");
        await s.IssueAsync("WH-0002");
        await s.Licenses(s.IssuerKey).AmendLicenseAsync(LicenseScenario.AmendRequest(first.Identifier, "C类")); // not selected
        await s.ChangeStatusAsync(first.Identifier, Hub.Licenses.V1.LicenseStatus.Revoked);
        var delivered = await receiver.WaitForAcceptedAsync(3);

        Assert.Equal([EventTypes.LicenseIssued, EventTypes.LicenseIssued, EventTypes.LicenseRevoked], delivered.Select(d => Json(d.Body).GetProperty("type").GetString()));
        var ids = delivered.Select(d => long.Parse(d.Headers["Hub-Event-Id"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.All(delivered, d => Assert.Equal(registered.Webhook.WebhookId, d.Headers["Hub-Webhook-Id"]));
        foreach (var delivery in delivered)
        {
            var signed = Path.Combine(_folder, "signed-" + delivery.Headers["Hub-Event-Id"]);
            await File.WriteAllTextAsync(signed, delivery.Headers["Hub-Timestamp"] + "." + delivery.Body);
            var (exit, output) = ExternalTool.Run("openssl", "dgst", "-sm3", "-hmac", Secret, signed);
            Assert.True(exit == 0, output);
            Assert.Equal("sm3=" + output.Trim().Split("= ")[^1], delivery.Headers["Hub-Signature"]);
        }

        var listed = Assert.Single((await events.ListWebhooksAsync(new ListWebhooksRequest())).Webhooks);
        Assert.True(listed.DeliveredThrough >= (ulong)ids[^1]);
        Assert.DoesNotContain(Secret, listed.ToString(), StringComparison.Ordinal); // the secret is never shown again
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_then_dead_lettered_then_redelivered_on_request()
    {
        using var receiver = new WebhookReceiver { Answer = 500 };
        await using var s = await LicenseScenario.CreateAsync(new HubFactory(postgres, new Dictionary<string, string?>
        {
            ["Hub:Events:AllowPlainHttpWebhooks"] = "true", // the receiver is a test server on loopback
            ["Hub:Events:AllowLoopbackWebhooks"] = "true",
            ["Hub:Events:WebhookAttempts"] = "3",
            ["Hub:Events:WebhookFirstRetryMilliseconds"] = "50",
        }));
        var events = await SubscriberAsync(s);
        var webhook = (await events.RegisterWebhookAsync(new RegisterWebhookRequest { Url = receiver.Url, Secret = Secret })).Webhook;

        var license = await s.IssueAsync("WH-0101");
        FailedDelivery? failed = null;
        for (var i = 0; i < 200 && failed is null; i++)
        {
            failed = (await events.ListFailedDeliveriesAsync(new ListFailedDeliveriesRequest { WebhookId = webhook.WebhookId })).Deliveries.FirstOrDefault();
            await Task.Delay(50);
        }

        Assert.NotNull(failed);
        Assert.Equal(3u, failed.Attempts);
        Assert.StartsWith("HTTP 500", failed.LastError, StringComparison.Ordinal);
        Assert.Equal(3, receiver.Received.Count(d => d.Body.Contains(license.Identifier, StringComparison.Ordinal)));

        receiver.Answer = 200;
        var redelivered = await events.RedeliverFailedAsync(new RedeliverFailedRequest { WebhookId = webhook.WebhookId });

        Assert.Equal((1u, 0u), (redelivered.Delivered, redelivered.FailedAgain));
        Assert.Contains(receiver.Accepted, d => Json(d.Body).GetProperty("objectId").GetString() == license.Identifier);
        Assert.Empty((await events.ListFailedDeliveriesAsync(new ListFailedDeliveriesRequest())).Deliveries);
    }

    [Fact]
    public async Task What_was_not_delivered_before_a_restart_is_delivered_after_it()
    {
        using var receiver = new WebhookReceiver { Answer = 503 };
        var database = postgres.CreateDatabase();
        var settings = new Dictionary<string, string?>
        {
            ["Hub:Secrets:MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Hub:Events:WebhookFirstRetryMilliseconds"] = "200",
            ["Hub:Events:AllowPlainHttpWebhooks"] = "true",
            ["Hub:Events:AllowLoopbackWebhooks"] = "true",
        };
        string identifier;
        string subscriberKey;
        await using (var s = await LicenseScenario.CreateAsync(new HubFactory(database, settings)))
        {
            subscriberKey = (await s.Hub.RegisterCallerAsync("11610000MB0000001G", "supervision", DataLevel.L1Public, Role.Subscriber)).ApiKey;
            await new EventService.EventServiceClient(s.Hub.Channel(subscriberKey)).RegisterWebhookAsync(new RegisterWebhookRequest { Url = receiver.Url, Secret = Secret });
            identifier = (await s.IssueAsync("WH-0201")).Identifier;
            while (receiver.Received.IsEmpty)
            {
                await Task.Delay(50); // the receiver is down: the delivery is being retried when the hub stops
            }
        }

        receiver.Answer = 200;
        await using var restarted = new HubFactory(database, settings);
        _ = restarted.Server; // start it
        var delivered = await receiver.WaitForAcceptedAsync(1);

        Assert.Equal(identifier, Json(Assert.Single(delivered).Body).GetProperty("objectId").GetString());
    }

    [Fact]
    public async Task Registration_refuses_plain_http_loopback_and_link_local_addresses_a_short_secret_and_unknown_event_types()
    {
        await using var s = await LicenseScenario.CreateAsync(new HubFactory(postgres));
        var events = await SubscriberAsync(s);

        var http = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => events.RegisterWebhookAsync(new RegisterWebhookRequest { Url = "http://receiver.example.gov.cn/hook", Secret = Secret }).ResponseAsync);
        var loopback = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => events.RegisterWebhookAsync(new RegisterWebhookRequest { Url = "https://127.0.0.1:6379/", Secret = Secret }).ResponseAsync);
        var metadata = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => events.RegisterWebhookAsync(new RegisterWebhookRequest { Url = "https://169.254.169.254/latest", Secret = Secret }).ResponseAsync);
        var secret = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => events.RegisterWebhookAsync(new RegisterWebhookRequest { Url = "https://receiver.example.gov.cn/hook", Secret = "short" }).ResponseAsync);
        var type = await RpcAssert.FailsAsync(StatusCode.InvalidArgument, () => events.RegisterWebhookAsync(new RegisterWebhookRequest
        {
            Url = "https://receiver.example.gov.cn/hook",
            Secret = Secret,
            Filter = new EventFilter { EventTypes = { "license.exploded" } },
        }).ResponseAsync);
        var missing = await RpcAssert.FailsAsync(StatusCode.NotFound, () => events.DeleteWebhookAsync(new DeleteWebhookRequest { WebhookId = Guid.NewGuid().ToString() }).ResponseAsync, ReasonCodes.WebhookNotFound);

        Assert.Contains("url", http.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("loopback", loopback.Status.Detail, StringComparison.Ordinal); // not this machine's own services
        Assert.Contains("link-local", metadata.Status.Detail, StringComparison.Ordinal); // nor a cloud metadata service
        Assert.Contains("secret", secret.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("filter.event_types[0]", type.Status.Detail, StringComparison.Ordinal);
        Assert.NotNull(missing);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static JsonElement Json(string body) => JsonDocument.Parse(body).RootElement;

    private static async Task<EventService.EventServiceClient> SubscriberAsync(LicenseScenario s) =>
        new(s.Hub.Channel((await s.Hub.RegisterCallerAsync("11610000MB0000001G", "supervision", DataLevel.L1Public, Role.Subscriber)).ApiKey));
}
