using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Hub.Tests.Support;

/// <summary>
/// A real HTTP server on loopback (HttpListener) that records every delivery it is sent and answers with the status
/// <see cref="Answer"/> says (200 unless told otherwise), as a department's receiving system would.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    public WebhookReceiver()
    {
        Port = Hub.Server.Infrastructure.Embedded.LoopbackPorts.Choose(0);
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    /// <summary>The status code to answer with.</summary>
    public int Answer { get; set; } = 200;

    /// <summary>Every request received, answered 2xx or not, in arrival order.</summary>
    public ConcurrentQueue<Delivery> Received { get; } = new();

    public IEnumerable<Delivery> Accepted => Received.Where(d => d.Status is >= 200 and < 300);

    public async Task<List<Delivery>> WaitForAcceptedAsync(int count)
    {
        for (var i = 0; i < 300 && Accepted.Count() < count; i++)
        {
            await Task.Delay(50);
        }

        return [.. Accepted];
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var status = Answer;
            Received.Enqueue(new Delivery(
                context.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase), body, status));
            context.Response.StatusCode = status;
            context.Response.Close();
        }
    }

    public sealed record Delivery(IReadOnlyDictionary<string, string> Headers, string Body, int Status);
}
