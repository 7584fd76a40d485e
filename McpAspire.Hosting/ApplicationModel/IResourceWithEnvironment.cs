namespace McpAspire.Hosting.ApplicationModel;

/// <summary>A resource that receives environment variables (projects, executables).</summary>
public interface IResourceWithEnvironment : IResource
{
}
