namespace McpAspire.Hosting.ApplicationModel;

/// <summary>The resource exists only in run mode (the dashboard) and is left out of the manifest.</summary>
public sealed class ExcludeFromManifestAnnotation : IResourceAnnotation
{
}
