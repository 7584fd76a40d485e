namespace McpAspire.Hosting.ApplicationModel;

/// <summary>A resource whose start can be gated on other resources being healthy (<c>WaitFor</c>).</summary>
public interface IResourceWithWaitSupport : IResource
{
}
