using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting.Eventing;

/// <summary>Published once when every resource has become healthy for the first time.</summary>
public sealed record AllResourcesReadyEvent(IReadOnlyList<IResource> Resources, TimeSpan Elapsed) : IDistributedApplicationEvent;
