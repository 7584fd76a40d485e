using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting;

/// <summary>A resource being configured; the extension methods (<c>WithReference</c>, <c>WaitFor</c>…) hang off this.</summary>
public interface IResourceBuilder<out T> where T : IResource
{
    /// <summary>The application builder that owns the resource.</summary>
    IDistributedApplicationBuilder ApplicationBuilder { get; }

    /// <summary>The resource.</summary>
    T Resource { get; }

    /// <summary>Adds an annotation and returns the builder for chaining.</summary>
    IResourceBuilder<T> WithAnnotation(IResourceAnnotation annotation);
}
