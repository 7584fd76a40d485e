using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting.Eventing;

/// <summary>Published once before any resource starts (ports are allocated by then).</summary>
public sealed record BeforeStartEvent(IReadOnlyList<IResource> Resources) : IDistributedApplicationEvent;
