using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting;

/// <summary>The default <see cref="IResourceBuilder{T}"/>.</summary>
internal sealed class ResourceBuilder<T> : IResourceBuilder<T> where T : IResource
{
    public ResourceBuilder(IDistributedApplicationBuilder applicationBuilder, T resource)
    {
        ApplicationBuilder = applicationBuilder;
        Resource = resource;
    }

    public IDistributedApplicationBuilder ApplicationBuilder { get; }

    public T Resource { get; }

    public IResourceBuilder<T> WithAnnotation(IResourceAnnotation annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        Resource.Annotations.Add(annotation);
        return this;
    }
}
