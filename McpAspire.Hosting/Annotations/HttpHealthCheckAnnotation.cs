namespace McpAspire.Hosting.ApplicationModel;

/// <summary>The resource is healthy when <c>GET {endpoint}{Path}</c> answers 2xx (projects default to <c>/health</c>).</summary>
public sealed class HttpHealthCheckAnnotation : IResourceAnnotation
{
    /// <summary>Creates the annotation.</summary>
    public HttpHealthCheckAnnotation(string path, string endpointName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path.StartsWith('/') ? path : "/" + path;
        EndpointName = endpointName;
    }

    /// <summary>The path probed.</summary>
    public string Path { get; }

    /// <summary>The endpoint probed.</summary>
    public string EndpointName { get; }
}
