using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting;

/// <summary>Wiring between resources: environment, references, waits, replicas, arguments.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Sets an environment variable to a literal.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value) where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.WithAnnotation(new EnvironmentCallbackAnnotation(c => c.EnvironmentVariables[name] = value ?? ""));
    }

    /// <summary>Sets an environment variable to a value known at run time (endpoint, parameter, expression).</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, IValueProvider value) where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return builder.WithAnnotation(new EnvironmentCallbackAnnotation(c => c.EnvironmentVariables[name] = value));
    }

    /// <summary>Sets environment variables from a callback.</summary>
    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentCallbackContext> callback) where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new EnvironmentCallbackAnnotation(callback));
    }

    /// <summary>Injects <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source, string? connectionName = null) where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        var resource = source.Resource;
        var key = $"ConnectionStrings__{connectionName ?? resource.ConnectionStringEnvironmentName}";
        return builder
            .WithAnnotation(new ResourceRelationshipAnnotation(resource, "Reference"))
            .WithAnnotation(new EnvironmentCallbackAnnotation(c => c.EnvironmentVariables[key] = resource));
    }

    /// <summary>Injects <c>services__{name}__{endpoint}__0</c> for every http(s) endpoint of <paramref name="source"/>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithServiceDiscovery> source) where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        var resource = source.Resource;
        return builder
            .WithAnnotation(new ResourceRelationshipAnnotation(resource, "Reference"))
            .WithAnnotation(new EnvironmentCallbackAnnotation(c =>
            {
                foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme is "http" or "https"))
                {
                    // One entry: the front URL. Replicas sit behind the AppHost's proxy, so consumers never see them.
                    c.EnvironmentVariables[$"services__{resource.Name}__{endpoint.Name}__0"] = new EndpointReference(resource, endpoint.Name);
                }
            }));
    }

    /// <summary>Injects <c>services__{name}__{endpoint}__0</c> for one endpoint.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, EndpointReference endpoint) where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(endpoint);
        return builder
            .WithAnnotation(new ResourceRelationshipAnnotation(endpoint.Resource, "Reference"))
            .WithAnnotation(new EnvironmentCallbackAnnotation(c => c.EnvironmentVariables[$"services__{endpoint.Resource.Name}__{endpoint.EndpointName}__0"] = endpoint));
    }

    /// <summary>Starts the resource only once <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency) where T : IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        if (ReferenceEquals(builder.Resource, dependency.Resource))
        {
            throw new InvalidOperationException($"Resource '{builder.Resource.Name}' cannot wait for itself.");
        }
        return builder.WithAnnotation(new WaitAnnotation(dependency.Resource));
    }

    /// <summary>Runs <paramref name="replicas"/> processes behind one front port (round-robin, unhealthy replicas skipped).</summary>
    public static IResourceBuilder<T> WithReplicas<T>(this IResourceBuilder<T> builder, int replicas) where T : IResourceWithServiceDiscovery
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var old in builder.Resource.Annotations.OfType<ReplicaAnnotation>().ToList())
        {
            builder.Resource.Annotations.Remove(old);
        }
        return builder.WithAnnotation(new ReplicaAnnotation(replicas));
    }

    /// <summary>Adds command-line arguments (strings or run-time values).</summary>
    public static IResourceBuilder<T> WithArgs<T>(this IResourceBuilder<T> builder, params object[] args) where T : IResourceWithArgs
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var arg in args)
        {
            if (arg is not string && arg is not IValueProvider)
            {
                throw new ArgumentException($"Argument of type {arg?.GetType().Name ?? "null"} is neither a string nor a value provider.", nameof(args));
            }
        }
        return builder.WithAnnotation(new CommandLineArgsAnnotation(args));
    }
}
