namespace McpAspire.Hosting.Eventing;

/// <summary>Marker for lifecycle events.</summary>
public interface IDistributedApplicationEvent
{
}
