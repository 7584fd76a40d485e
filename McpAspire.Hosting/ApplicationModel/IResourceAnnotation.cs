namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Marker for data attached to a resource; the orchestrator and the publisher read annotations, never types alone.</summary>
public interface IResourceAnnotation
{
}
