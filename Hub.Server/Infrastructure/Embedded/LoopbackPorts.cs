using System.Net;
using System.Net.Sockets;

namespace Hub.Server.Infrastructure.Embedded;

/// <summary>Free TCP ports on the loopback interface, for the embedded cluster and the demo provider.</summary>
public static class LoopbackPorts
{
    /// <summary>The preferred port when it is free, else one the system hands out.</summary>
    public static int Choose(int preferred)
    {
        if (preferred is > 0 and < 65536 && IsFree(preferred))
        {
            return preferred;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
