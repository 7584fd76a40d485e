using System.Globalization;

namespace McpAspire.Hosting.ApplicationModel;

/// <summary>
/// Where an endpoint listens in this run: <see cref="Port"/> is what clients use (the proxy's front port when the
/// resource has replicas), <see cref="TargetPorts"/> has one port per replica process.
/// </summary>
public sealed record AllocatedEndpoint(string Scheme, string Host, int Port, IReadOnlyList<int> TargetPorts, bool Proxied)
{
    /// <summary><c>scheme://host:port</c>.</summary>
    public string Url => $"{Scheme}://{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The URL of one replica's own listener.</summary>
    public string ReplicaUrl(int replica) => $"{Scheme}://{Host}:{TargetPorts[replica].ToString(CultureInfo.InvariantCulture)}";
}
