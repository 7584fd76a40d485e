namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Marks the dashboard resource: it gets the resource-service address, receives everyone's OTLP, and stops last.</summary>
public sealed class DashboardAnnotation : IResourceAnnotation
{
}
