using System.Globalization;
using System.Text;
using Google.Protobuf;
using Hub.Events.V1;
using Hub.Server.Infrastructure.Secrets;
using Hub.Signing.Sm2;
using Microsoft.Extensions.Options;

namespace Hub.Server.Events.Webhooks;

/// <summary>
/// One signed delivery: the event as proto3 JSON, POSTed with <c>Hub-Event-Id</c>, <c>Hub-Webhook-Id</c>,
/// <c>Hub-Timestamp</c> (Unix seconds) and <c>Hub-Signature: sm3=&lt;hex HMAC-SM3(secret, timestamp "." body)&gt;</c>
/// (docs/events.md shows how to check it with OpenSSL). Any 2xx is delivered; anything else, or no answer within the
/// timeout, is a failure described without the receiver's body beyond 200 characters.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory http, DataProtector protector, IOptions<EventOptions> options, TimeProvider time)
{
    public const string HttpClientName = "webhooks";
    public const string SignatureHeader = "Hub-Signature";
    public const string TimestampHeader = "Hub-Timestamp";
    public const string EventIdHeader = "Hub-Event-Id";
    public const string WebhookIdHeader = "Hub-Webhook-Id";

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(false));

    /// <summary>Null when delivered; else why not.</summary>
    public async Task<string?> SendAsync(StoredWebhook webhook, Event view, CancellationToken cancellationToken)
    {
        var body = Json.Format(view);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var secret = protector.Decrypt(webhook.SealedSecret, SecretContext(webhook.WebhookId));
        var signature = Convert.ToHexStringLower(Sm3.Hmac(secret, Encoding.UTF8.GetBytes(timestamp + "." + body)));
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(EventIdHeader, view.EventId.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookIdHeader, webhook.WebhookId.ToString());
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(SignatureHeader, "sm3=" + signature);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.WebhookTimeoutSeconds));
        try
        {
            // Headers first: the receiver's body is never buffered, and at most 200 characters of it are kept.
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return null;
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
            var answer = new char[200];
            var read = await reader.ReadBlockAsync(answer, timeout.Token);
            return string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)response.StatusCode}: {new string(answer, 0, read)}");
        }
        catch (HttpRequestException e)
        {
            return e.HttpRequestError == HttpRequestError.ConnectionError && e.Message.Contains("may not reach", StringComparison.Ordinal)
                ? e.Message
                : $"no connection: {e.HttpRequestError}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return string.Create(CultureInfo.InvariantCulture, $"no answer within {options.Value.WebhookTimeoutSeconds} s");
        }
    }

    /// <summary>The associated data a webhook's secret is sealed under: it opens only for this webhook.</summary>
    public static string SecretContext(Guid webhookId) => "webhook-secret:" + webhookId;
}
