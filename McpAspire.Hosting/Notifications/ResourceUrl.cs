namespace McpAspire.Hosting.Notifications;

/// <summary>A named URL of a resource.</summary>
public sealed record ResourceUrl(string Name, string Url);
