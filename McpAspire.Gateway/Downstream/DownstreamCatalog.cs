using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Downstream;

/// <summary>What one downstream server offers, as last fetched (all pages merged).</summary>
public sealed record DownstreamCatalog(
    IReadOnlyList<Tool> Tools,
    IReadOnlyList<Prompt> Prompts,
    IReadOnlyList<Resource> Resources,
    IReadOnlyList<ResourceTemplate> ResourceTemplates,
    DateTimeOffset FetchedAt)
{
    /// <summary>Nothing (not connected).</summary>
    public static DownstreamCatalog Empty { get; } = new([], [], [], [], DateTimeOffset.MinValue);
}
