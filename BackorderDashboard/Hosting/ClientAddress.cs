using System.Net;
using System.Net.Sockets;

namespace BackorderDashboard.Hosting;

/// <summary>
/// The client's address as the rate limits and the sign-in throttle count it, after the forwarded headers (when
/// enabled) have put the real client's address on the connection. An IPv6 client counts by its /64 network: one
/// subscriber gets a whole /64 and could otherwise step to a fresh address for every try.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext? context) => Of(context?.Connection.RemoteIpAddress);

    public static string Of(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }
}
