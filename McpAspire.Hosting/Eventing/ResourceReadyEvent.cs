using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting.Eventing;

/// <summary>Published the first time a resource becomes healthy.</summary>
public sealed record ResourceReadyEvent(IResource Resource) : IDistributedApplicationEvent;
