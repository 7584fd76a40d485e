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

    private Dictionary<string, Tool>? _toolsByName;

    /// <summary>The server's tool of that (original) name, or null.</summary>
    public Tool? FindTool(string name)
    {
        // Built on first use; a race builds it twice, harmlessly.
        var byName = _toolsByName ??= Tools.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return byName.GetValueOrDefault(name);
    }
}
