namespace McpAspire.Gateway.Catalog;

/// <summary>
/// The exposed name each tool and prompt has had since a client could see it. A name once served stays with its
/// item: a server added later (or coming back) that brings the same name is the one renamed, so clients that already
/// use a name never find it renamed under them. Not thread-safe: the catalog builder uses it under its lock.
/// </summary>
public sealed class ExposedNameMemory
{
    private readonly Dictionary<(string Kind, string Server, string Name), string> _byItem = [];
    private readonly Dictionary<(string Kind, string Exposed), Route> _byExposed = [];

    /// <summary>Kind key for tools.</summary>
    public const string Tool = "tool";

    /// <summary>Kind key for prompts.</summary>
    public const string Prompt = "prompt";

    /// <summary>How many names are remembered.</summary>
    public int Count => _byItem.Count;

    /// <summary>The name <paramref name="name"/> of <paramref name="server"/> was served under, if any.</summary>
    public bool TryGetExposed(string kind, string server, string name, out string exposed) =>
        _byItem.TryGetValue((kind, server, name), out exposed!);

    /// <summary>Whether <paramref name="exposed"/> was served for an item other than (<paramref name="server"/>, <paramref name="name"/>).</summary>
    public bool IsHeldByOther(string kind, string exposed, string server, string name, out Route holder) =>
        _byExposed.TryGetValue((kind, exposed), out holder) && (holder.Server != server || holder.OriginalName != name);

    /// <summary>Remembers every tool and prompt name of a snapshot that clients were served.</summary>
    public void Remember(CatalogSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Remember(Tool, snapshot.ToolRoutes);
        Remember(Prompt, snapshot.PromptRoutes);
    }

    private void Remember(string kind, IReadOnlyDictionary<string, Route> routes)
    {
        foreach (var (exposed, route) in routes)
        {
            if (_byExposed.TryAdd((kind, exposed), route))
            {
                _byItem.TryAdd((kind, route.Server, route.OriginalName), exposed);
            }
        }
    }
}
