using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting;

/// <summary>Endpoints and health checks.</summary>
public static class EndpointBuilderExtensions
{
    /// <summary>
    /// Adds an HTTP endpoint, or sets the ports of the existing one with the same name (projects already have
    /// <c>http</c>). <paramref name="port"/> is the stable port clients use; null keeps it random. <paramref name="env"/>
    /// names an environment variable that tells the process which port to listen on (for executables, e.g. <c>PORT</c>).
    /// </summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string name = "http", string? env = null) where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "Port must be between 1 and 65535.");
        }
        var existing = builder.Resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.Name == name);
        if (existing is null)
        {
            return builder.WithAnnotation(new EndpointAnnotation(name, "http", "http", port, targetPort) { TargetPortEnvironmentVariable = env });
        }
        existing.Port = port ?? existing.Port;
        existing.TargetPort = targetPort ?? existing.TargetPort;
        existing.TargetPortEnvironmentVariable = env ?? existing.TargetPortEnvironmentVariable;
        return builder;
    }

    /// <summary>Marks every HTTP endpoint as external (manifest <c>external: true</c>).</summary>
    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var endpoint in builder.Resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme is "http" or "https"))
        {
            endpoint.IsExternal = true;
        }
        return builder;
    }

    /// <summary>Probes <c>GET {path}</c> on the endpoint; 2xx means healthy. Replaces any previous HTTP health check.</summary>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/health", string endpointName = "http") where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var old in builder.Resource.Annotations.OfType<HttpHealthCheckAnnotation>().ToList())
        {
            builder.Resource.Annotations.Remove(old);
        }
        return builder.WithAnnotation(new HttpHealthCheckAnnotation(path, endpointName));
    }

    /// <summary>A reference to a named endpoint.</summary>
    public static EndpointReference GetEndpoint<T>(this IResourceBuilder<T> builder, string name) where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        return new EndpointReference(builder.Resource, name);
    }
}
