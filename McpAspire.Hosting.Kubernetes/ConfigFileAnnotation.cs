using Aspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting.Kubernetes;

/// <summary>
/// A file the resource reads, named by an environment variable: the AppHost's own file in run mode, a ConfigMap
/// mounted under <see cref="KubernetesPublishOptions.ConfigMountPath"/> when published to Kubernetes.
/// </summary>
/// <param name="EnvironmentVariable">The variable that carries the file's path.</param>
/// <param name="SourcePath">The file's full path on the AppHost's machine.</param>
public sealed record ConfigFileAnnotation(string EnvironmentVariable, string SourcePath) : IResourceAnnotation
{
    /// <summary>The file's name, also its key in the ConfigMap.</summary>
    public string FileName => Path.GetFileName(SourcePath);
}
