using System.Collections.Concurrent;
using Grpc.Core;
using Hub.Provider.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hub.Benchmarks.Load;

/// <summary>
/// A departmental provider system: a real gRPC server on a loopback port implementing
/// <c>hub.provider.v1.DataProvider</c>, whose records, delay and failures the caller controls, and which can remember
/// what the hub asked of it. The load harness's <c>query</c> scenario and the exchange tests use it.
/// </summary>
public sealed class LoopbackProvider : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackProvider(WebApplication app, ProviderState state)
    {
        _app = app;
        State = state;
    }

    public ProviderState State { get; }

    /// <summary>The address to register as the resource's provider_endpoint (http://127.0.0.1:port).</summary>
    public string Endpoint { get; private set; } = string.Empty;

    public static async Task<LoopbackProvider> StartAsync()
    {
        var state = new ProviderState();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(state);
        var app = builder.Build();
        app.MapGrpcService<Service>();
        await app.StartAsync();
        var provider = new LoopbackProvider(app, state)
        {
            Endpoint = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single(),
        };
        return provider;
    }

    /// <summary>
    /// An address where nothing listens: a provider that is down. Port 1 (tcpmux) is outside the ephemeral range, so no
    /// test server started on "any free port" can ever answer there.
    /// </summary>
    public const string DeadEndpoint = "http://127.0.0.1:1";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>What the provider holds and how it behaves.</summary>
    public sealed class ProviderState
    {
        private int _inFlight;
        private int _maxInFlight;

        /// <summary>Records by key.</summary>
        public ConcurrentDictionary<string, Dictionary<string, string>> Records { get; } = new();

        /// <summary>Every request the hub made, in order (unless <see cref="RecordRequests"/> is off).</summary>
        public ConcurrentQueue<FetchRequest> Requests { get; } = new();

        public bool RecordRequests { get; set; } = true;

        /// <summary>The record of every key not in <see cref="Records"/>, if set (a provider that knows everyone).</summary>
        public Dictionary<string, string>? DefaultRecord { get; set; }

        public TimeSpan Delay { get; set; }

        private int _failuresBeforeSuccess;

        /// <summary>Answer UNAVAILABLE this many times before answering normally.</summary>
        public int FailuresBeforeSuccess
        {
            get => Volatile.Read(ref _failuresBeforeSuccess);
            set => Volatile.Write(ref _failuresBeforeSuccess, value);
        }

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        internal async Task<FetchResponse> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
        {
            if (RecordRequests)
            {
                Requests.Enqueue(request.Clone());
            }

            var now = Interlocked.Increment(ref _inFlight);
            try
            {
                int seen;
                while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
                {
                }

                if (Interlocked.Decrement(ref _failuresBeforeSuccess) >= 0)
                {
                    throw new RpcException(new Status(StatusCode.Unavailable, "provider restarting"));
                }

                if (Delay > TimeSpan.Zero)
                {
                    await Task.Delay(Delay, cancellationToken);
                }

                var response = new FetchResponse();
                if (Records.TryGetValue(request.Key, out var record) || (record = DefaultRecord) is not null)
                {
                    response.Found = true;
                    response.Record.Add(record);
                }

                return response;
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        }
    }

    private sealed class Service(ProviderState state) : DataProvider.DataProviderBase
    {
        public override Task<FetchResponse> Fetch(FetchRequest request, ServerCallContext context) => state.FetchAsync(request, context.CancellationToken);
    }
}
