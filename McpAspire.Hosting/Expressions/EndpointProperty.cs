namespace McpAspire.Hosting.ApplicationModel;

/// <summary>A part of an endpoint that can be referenced on its own.</summary>
public enum EndpointProperty
{
    /// <summary>The full URL (<c>scheme://host:port</c>).</summary>
    Url,

    /// <summary>The host.</summary>
    Host,

    /// <summary>The port others connect to (the front port when replicas sit behind the proxy).</summary>
    Port,

    /// <summary>The port the process itself listens on (manifest <c>targetPort</c>).</summary>
    TargetPort,
}
