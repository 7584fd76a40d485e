namespace McpAspire.Hosting.ApplicationModel;

/// <summary>A resource other resources find through <c>services__{name}__{endpoint}__{i}</c> (projects, executables).</summary>
public interface IResourceWithServiceDiscovery : IResourceWithEndpoints
{
}
