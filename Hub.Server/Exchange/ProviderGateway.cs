using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Hub.Core.Contracts;
using Hub.Core.Errors;
using Hub.Provider.V1;
using Hub.Server.Catalogue;
using Hub.Server.Infrastructure.Telemetry;
using Microsoft.Extensions.Options;

namespace Hub.Server.Exchange;

/// <summary>
/// Calls providers' <c>hub.provider.v1.DataProvider/Fetch</c>: one channel per endpoint, at most
/// <see cref="ExchangeOptions.ProviderConcurrency"/> calls in flight to each, one deadline for the whole call, and
/// bounded retries with back-off when the provider cannot be reached (<see cref="IsUnreachable"/>). Every failure becomes <c>Unavailable</c>
/// naming the provider; the lookup key never reaches the log.
/// </summary>
public sealed class ProviderGateway(IOptions<ExchangeOptions> options, TimeProvider time, HubMetrics metrics, ILogger<ProviderGateway> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Provider>> _providers = new(StringComparer.Ordinal);
    private readonly X509Certificate2? _clientCertificate = LoadClientCertificate(options.Value);

    /// <summary>The provider's record, or <see cref="ProviderRecord.NotFound"/> when it has none for the key; timed, in its own span.</summary>
    public async Task<Outcome<ProviderRecord>> FetchAsync(DataResourceDefinition resource, FetchRequest request, CancellationToken cancellationToken)
    {
        // Internal: the gRPC client's own span below it is the client span of the call.
        using var activity = HubMetrics.Activities.StartActivity("provider.Fetch", System.Diagnostics.ActivityKind.Internal);
        activity?.SetTag("hub.provider", resource.ProviderOrgCode);
        activity?.SetTag("hub.resource", resource.ResourceCode);
        var started = time.GetTimestamp();
        var result = "cancelled";
        try
        {
            var outcome = await FetchWithRetriesAsync(resource, request, cancellationToken);
            result = outcome.Error?.Reason ?? (outcome.Value.Found ? "found" : "not_found");
            return outcome;
        }
        finally
        {
            metrics.ProviderCall(resource.ProviderOrgCode, result, time.GetElapsedTime(started));
            activity?.SetTag("hub.outcome", result);
        }
    }

    private async Task<Outcome<ProviderRecord>> FetchWithRetriesAsync(DataResourceDefinition resource, FetchRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var provider = _providers.GetOrAdd(resource.ProviderEndpoint, endpoint => new Lazy<Provider>(() => Open(endpoint, settings))).Value;
        var budget = TimeSpan.FromMilliseconds(settings.ProviderDeadlineMilliseconds);
        var started = time.GetTimestamp();
        var deadline = DateTime.UtcNow + budget;

        if (!await provider.Slots.WaitAsync(budget, cancellationToken))
        {
            logger.ProviderBusy(resource.ProviderOrgCode, settings.ProviderConcurrency);
            return Unavailable(resource, ReasonCodes.ProviderBusy, $"provider {resource.ProviderOrgCode} of {resource.ResourceCode} has too many queries in flight; retry shortly.");
        }

        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var response = await provider.Client.FetchAsync(request, deadline: deadline, cancellationToken: cancellationToken);
                    return response.Found ? new ProviderRecord(true, response.Record.ToDictionary(StringComparer.Ordinal)) : ProviderRecord.NotFound;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
                {
                    // Some providers say "no record" as a status rather than found = false.
                    return ProviderRecord.NotFound;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.DeadlineExceeded
                                             || (e.StatusCode == StatusCode.Cancelled && !cancellationToken.IsCancellationRequested))
                {
                    logger.ProviderTimedOut(resource.ProviderOrgCode, resource.ResourceCode, settings.ProviderDeadlineMilliseconds);
                    return Unavailable(resource, ReasonCodes.ProviderTimeout,
                        $"provider {resource.ProviderOrgCode} of {resource.ResourceCode} did not answer within {settings.ProviderDeadlineMilliseconds} ms.");
                }
                catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
                {
                    logger.ProviderFailed(resource.ProviderOrgCode, resource.ResourceCode, e.StatusCode, attempt);
                    var backOff = TimeSpan.FromMilliseconds(50 * (1 << attempt));
                    var left = budget - time.GetElapsedTime(started);
                    var unreachable = IsUnreachable(e);
                    if (!unreachable || attempt > settings.ProviderRetries || left <= backOff)
                    {
                        return unreachable
                            ? Unavailable(resource, ReasonCodes.ProviderUnavailable, $"provider {resource.ProviderOrgCode} of {resource.ResourceCode} is unavailable (tried {attempt} times).")
                            : Unavailable(resource, ReasonCodes.ProviderFailed, $"provider {resource.ProviderOrgCode} of {resource.ResourceCode} failed to answer ({e.StatusCode}).");
                    }

                    await Task.Delay(backOff, time, cancellationToken);
                }
            }
        }
        finally
        {
            provider.Slots.Release();
        }
    }

    public void Dispose()
    {
        foreach (var provider in _providers.Values.Where(p => p.IsValueCreated))
        {
            provider.Value.Channel.Dispose();
            provider.Value.Slots.Dispose();
        }

        _clientCertificate?.Dispose();
    }

    /// <summary>
    /// Whether the provider could not be reached, as opposed to answering with an error: UNAVAILABLE from the provider
    /// or the gRPC client, or a call the client gave up on before any HTTP response arrived. The client reports a
    /// connection the provider accepted and dropped before the HTTP/2 handshake as INTERNAL with an
    /// <see cref="HttpRequestException"/> beneath it; that is the same outage as a refused connection, so it is
    /// retried and named the same way.
    /// </summary>
    internal static bool IsUnreachable(RpcException e)
    {
        if (e.StatusCode == StatusCode.Unavailable)
        {
            return true;
        }

        if (e.StatusCode != StatusCode.Internal)
        {
            return false;
        }

        for (var cause = e.Status.DebugException; cause is not null; cause = cause.InnerException)
        {
            if (cause is HttpRequestException or System.Net.Sockets.SocketException)
            {
                return true;
            }
        }

        return false;
    }

    private static HubError Unavailable(DataResourceDefinition resource, string reason, string message) =>
        HubError.Unavailable(reason, message) with
        {
            Metadata = new Dictionary<string, string> { ["provider_org_code"] = resource.ProviderOrgCode, ["resource_code"] = resource.ResourceCode },
            RetryAfter = TimeSpan.FromSeconds(1),
        };

    private Provider Open(string endpoint, ExchangeOptions settings)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
            ConnectTimeout = TimeSpan.FromMilliseconds(settings.ProviderDeadlineMilliseconds),
        };
        if (_clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [_clientCertificate];
        }

        var channel = GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = settings.MaxProviderResponseBytes,
            DisposeHttpClient = true,
        });
        return new Provider(channel, new DataProvider.DataProviderClient(channel), new SemaphoreSlim(settings.ProviderConcurrency));
    }

    private static X509Certificate2? LoadClientCertificate(ExchangeOptions settings) =>
        string.IsNullOrEmpty(settings.ClientCertificatePath) || string.IsNullOrEmpty(settings.ClientKeyPath)
            ? null
            : X509Certificate2.CreateFromPemFile(settings.ClientCertificatePath, settings.ClientKeyPath);

    private sealed record Provider(GrpcChannel Channel, DataProvider.DataProviderClient Client, SemaphoreSlim Slots);
}

/// <summary>What a provider answered: whether it holds a record for the key, and the record's values.</summary>
public sealed record ProviderRecord(bool Found, IReadOnlyDictionary<string, string> Values)
{
    public static readonly ProviderRecord NotFound = new(false, new Dictionary<string, string>());
}
