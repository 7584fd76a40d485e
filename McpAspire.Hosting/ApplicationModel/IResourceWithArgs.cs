namespace McpAspire.Hosting.ApplicationModel;

/// <summary>A resource started with command-line arguments.</summary>
public interface IResourceWithArgs : IResource
{
}
