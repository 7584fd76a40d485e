namespace McpAspire.Hosting.ApplicationModel;

/// <summary>A resource that listens on endpoints other resources can reference.</summary>
public interface IResourceWithEndpoints : IResource
{
}
