using System.Net;
using System.Net.Sockets;

namespace McpAspire.Hosting.Orchestration;

/// <summary>Random free loopback ports, never the same one twice in one run.</summary>
internal sealed class PortAllocator
{
    private readonly HashSet<int> _handedOut = [];

    /// <summary>A port nothing listens on right now (bind to 0, read, release).</summary>
    public int Next()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            lock (_handedOut)
            {
                if (_handedOut.Add(port))
                {
                    return port;
                }
            }
        }
        throw new InvalidOperationException("Could not find a free loopback port.");
    }

    /// <summary>Records a fixed port so random ones never collide with it.</summary>
    public void Reserve(int port)
    {
        lock (_handedOut)
        {
            _handedOut.Add(port);
        }
    }
}
