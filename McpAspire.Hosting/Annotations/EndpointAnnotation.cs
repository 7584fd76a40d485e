namespace McpAspire.Hosting.ApplicationModel;

/// <summary>
/// A network endpoint of a resource. <see cref="Port"/> is the stable port clients use (null: random each run);
/// the processes listen on <see cref="TargetPort"/> (null: random), behind the front proxy when replicated.
/// </summary>
public sealed class EndpointAnnotation : IResourceAnnotation
{
    /// <summary>Creates the endpoint.</summary>
    public EndpointAnnotation(string name, string uriScheme, string transport, int? port = null, int? targetPort = null, bool isExternal = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(uriScheme);
        Name = name;
        UriScheme = uriScheme;
        Transport = transport;
        Port = port;
        TargetPort = targetPort;
        IsExternal = isExternal;
    }

    /// <summary>The endpoint name, unique within the resource (<c>http</c>, <c>tcp</c>…).</summary>
    public string Name { get; }

    /// <summary>URI scheme: <c>http</c>, <c>https</c> or <c>tcp</c>.</summary>
    public string UriScheme { get; set; }

    /// <summary>Manifest transport: <c>http</c>, <c>http2</c> or <c>tcp</c>.</summary>
    public string Transport { get; set; }

    /// <summary>Manifest protocol; always <c>tcp</c> here.</summary>
    public string Protocol => "tcp";

    /// <summary>The stable port clients use, or null for a random one.</summary>
    public int? Port { get; set; }

    /// <summary>The port the process listens on, or null for a random one (always random per replica when replicated).</summary>
    public int? TargetPort { get; set; }

    /// <summary>Exposed outside the deployment (manifest <c>external: true</c>).</summary>
    public bool IsExternal { get; set; }

    /// <summary>
    /// Environment variable that receives the port the process must listen on (e.g. <c>PORT</c> for an executable);
    /// projects get <c>ASPNETCORE_URLS</c> instead.
    /// </summary>
    public string? TargetPortEnvironmentVariable { get; set; }

    /// <summary>Set when the application starts.</summary>
    public AllocatedEndpoint? AllocatedEndpoint { get; set; }
}
