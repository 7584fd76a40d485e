using Aspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Kubernetes;

namespace Aspire.Hosting;

/// <summary><c>WithConfigFile</c>: a file of the AppHost handed to a resource by path, published as a ConfigMap.</summary>
public static class ConfigFileExtensions
{
    /// <summary>
    /// Sets <paramref name="environmentVariable"/> to the full path of <paramref name="path"/> (relative to the AppHost's
    /// folder); the Kubernetes publisher turns the file into a ConfigMap mounted as a folder (updates reach the pod).
    /// </summary>
    public static IResourceBuilder<T> WithConfigFile<T>(this IResourceBuilder<T> builder, string environmentVariable, string path)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(environmentVariable);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fullPath = Path.GetFullPath(path, builder.ApplicationBuilder.AppHostDirectory);
        return builder.WithAnnotation(new ConfigFileAnnotation(environmentVariable, fullPath))
            .WithEnvironment(environmentVariable, fullPath);
    }
}
