using System.Net;
using System.Net.Sockets;

namespace Hub.Server.Events.Webhooks;

/// <summary>
/// Where the hub may deliver to. Never to link-local addresses (169.254.0.0/16, fe80::/10: cloud metadata services),
/// unspecified or multicast ones, and to loopback only where <see cref="EventOptions.AllowLoopbackWebhooks"/> says so
/// (test receivers): a webhook URL is chosen by a caller, so it must not turn the hub into a client of this machine's
/// own services. Checked when a webhook is registered (for an address given literally) and again on every connection,
/// on the address the name resolved to — a name that resolves to a refused address is refused too. Private networks
/// are allowed: a city's receiving systems live on them.
/// </summary>
public static class WebhookAddresses
{
    /// <summary>Null when the hub may connect to <paramref name="address"/>, else why not.</summary>
    public static string? Refusal(IPAddress address, bool allowLoopback)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return allowLoopback ? null : "a loopback address (this machine's own services)";
        }

        var bytes = address.GetAddressBytes();
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork when bytes[0] == 169 && bytes[1] == 254 => "a link-local address",
            AddressFamily.InterNetwork when bytes[0] == 0 || bytes[0] >= 224 => "an unspecified, multicast or reserved address",
            AddressFamily.InterNetworkV6 when address.IsIPv6LinkLocal || address.IsIPv6Multicast || address.Equals(IPAddress.IPv6Any) => "a link-local, multicast or unspecified address",
            _ => null,
        };
    }

    /// <summary>
    /// The connection step of the webhook HTTP client: resolves the host, refuses every address <see cref="Refusal"/>
    /// refuses, and connects to the first allowed one.
    /// </summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(Func<bool> allowLoopback) => async (context, cancellationToken) =>
    {
        var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
        var allowed = addresses.Where(a => Refusal(a, allowLoopback()) is null).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"{context.DnsEndPoint.Host} resolves only to addresses webhooks may not reach ({string.Join(", ", addresses.Select(a => Refusal(a, allowLoopback()) ?? a.ToString()).Distinct())})");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };
}
