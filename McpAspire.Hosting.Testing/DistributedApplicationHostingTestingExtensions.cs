using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting.Testing;

/// <summary>Reaching resources of a started application from a test.</summary>
public static class DistributedApplicationHostingTestingExtensions
{
    /// <summary>An <see cref="HttpClient"/> whose base address is the resource's endpoint (the front URL for replicas).</summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string? endpointName = null)
    {
        var uri = app.GetEndpoint(resourceName, endpointName);
        return new HttpClient { BaseAddress = uri };
    }

    /// <summary>The URL of a resource's endpoint (<paramref name="endpointName"/> or its first HTTP endpoint).</summary>
    public static Uri GetEndpoint(this DistributedApplication app, string resourceName, string? endpointName = null)
    {
        var resource = Find(app, resourceName);
        var endpoints = resource.Annotations.OfType<EndpointAnnotation>().ToList();
        var endpoint = endpointName is null
            ? endpoints.FirstOrDefault(e => e.UriScheme is "http" or "https") ?? endpoints.FirstOrDefault()
            : endpoints.FirstOrDefault(e => e.Name == endpointName);
        if (endpoint is null)
        {
            throw new DistributedApplicationException(
                $"Resource '{resourceName}' has no endpoint{(endpointName is null ? "" : $" named '{endpointName}'")}; it has: {(endpoints.Count == 0 ? "none" : string.Join(", ", endpoints.Select(e => e.Name)))}.");
        }
        var allocated = endpoint.AllocatedEndpoint
            ?? throw new DistributedApplicationException($"Endpoint '{endpoint.Name}' of '{resourceName}' is not allocated: call StartAsync first.");
        return new Uri(allocated.Url);
    }

    /// <summary>The connection string other resources receive for <paramref name="resourceName"/>.</summary>
    public static async Task<string?> GetConnectionStringAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default)
    {
        var resource = Find(app, resourceName);
        if (resource is not IResourceWithConnectionString withConnectionString)
        {
            throw new DistributedApplicationException($"Resource '{resourceName}' ({resource.GetType().Name}) has no connection string.");
        }
        return await withConnectionString.ConnectionStringExpression.GetValueAsync(cancellationToken).ConfigureAwait(false);
    }

    private static IResource Find(DistributedApplication app, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceName);
        return app.Model.Resources.FirstOrDefault(r => string.Equals(r.Name, resourceName, StringComparison.OrdinalIgnoreCase))
            ?? throw new DistributedApplicationException(
                $"No resource named '{resourceName}'. Known resources: {string.Join(", ", app.Model.Resources.Select(r => r.Name).Order(StringComparer.Ordinal))}.");
    }
}
