using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Hub.Tests.Support;

/// <summary>How a <see cref="MisbehavingProvider"/> misbehaves once it has accepted a connection.</summary>
public enum Misbehaviour
{
    /// <summary>Accepts and never reads or writes (a hung system).</summary>
    Silent,

    /// <summary>Resets the connection at once.</summary>
    Reset,

    /// <summary>Answers an HTML maintenance page, not gRPC.</summary>
    Garbage,
}

/// <summary>A department's provider system gone wrong: a TCP listener on loopback that accepts and then misbehaves as told.</summary>
public sealed class MisbehavingProvider : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _held = [];
    private int _connections;

    public MisbehavingProvider(Misbehaviour misbehaviour)
    {
        _listener.Start();
        _ = Task.Run(() => AcceptAsync(misbehaviour));
    }

    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Connections => Volatile.Read(ref _connections);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_held)
        {
            foreach (var socket in _held)
            {
                socket.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(Misbehaviour misbehaviour)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref _connections);
            switch (misbehaviour)
            {
                case Misbehaviour.Silent:
                    lock (_held)
                    {
                        _held.Add(socket); // accepted, never read from or written to
                    }

                    break;
                case Misbehaviour.Reset:
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close(); // RST
                    break;
                case Misbehaviour.Garbage:
                    _ = Task.Run(async () =>
                    {
                        using (socket)
                        {
                            await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>维护中</html>\n"));
                            await Task.Delay(200);
                        }
                    });
                    break;
            }
        }
    }
}
