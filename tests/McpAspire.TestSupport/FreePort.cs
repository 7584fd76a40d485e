using System.Net;
using System.Net.Sockets;

namespace McpAspire.TestSupport;

/// <summary>Free TCP ports on loopback.</summary>
public static class FreePort
{
    /// <summary>A port nothing listens on right now (bind to 0, read, release).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
