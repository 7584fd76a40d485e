using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Catalog;

/// <summary>Where an exposed tool or prompt really lives.</summary>
public readonly record struct Route(string Server, string OriginalName);

/// <summary>A resource template of one server, with its matcher.</summary>
public sealed record TemplateRoute(string Server, ResourceTemplate Template, System.Text.RegularExpressions.Regex Matcher);

/// <summary>
/// The merged catalog at one moment: what clients see (names already exposed) and the routes back to each server.
/// Immutable; the gateway swaps in a new snapshot when any downstream's catalog changes.
/// </summary>
public sealed class CatalogSnapshot
{
    /// <summary>Creates a snapshot.</summary>
    public CatalogSnapshot(
        long version,
        IReadOnlyList<Tool> tools,
        IReadOnlyDictionary<string, Route> toolRoutes,
        IReadOnlyList<Prompt> prompts,
        IReadOnlyDictionary<string, Route> promptRoutes,
        IReadOnlyList<Resource> resources,
        IReadOnlyDictionary<string, string> resourceRoutes,
        IReadOnlyList<ResourceTemplate> templates,
        IReadOnlyList<TemplateRoute> templateRoutes,
        IReadOnlyDictionary<string, string>? unavailableToolRoutes = null)
    {
        UnavailableToolRoutes = unavailableToolRoutes ?? new Dictionary<string, string>();
        Version = version;
        Tools = tools;
        ToolRoutes = toolRoutes;
        Prompts = prompts;
        PromptRoutes = promptRoutes;
        Resources = resources;
        ResourceRoutes = resourceRoutes;
        ResourceTemplates = templates;
        TemplateRoutes = templateRoutes;
    }

    /// <summary>An empty catalog.</summary>
    public static CatalogSnapshot Empty { get; } = new(0, [], new Dictionary<string, Route>(), [], new Dictionary<string, Route>(), [], new Dictionary<string, string>(), [], []);

    public long Version { get; }

    private int _served;

    /// <summary>Whether a client was served this snapshot's names (a list or a call): from then on they are exposed.</summary>
    public bool Served => Volatile.Read(ref _served) != 0;

    /// <summary>Marks the snapshot as seen by a client (cheap when already marked); returns this snapshot.</summary>
    public CatalogSnapshot MarkServed()
    {
        if (Volatile.Read(ref _served) == 0)
        {
            Volatile.Write(ref _served, 1);
        }
        return this;
    }

    /// <summary>
    /// Tool names (plain and prefixed) of servers that are not connected now, from their last catalog: a call to one
    /// gets "server X is unavailable" instead of "unknown tool".
    /// </summary>
    public IReadOnlyDictionary<string, string> UnavailableToolRoutes { get; }

    public IReadOnlyList<Tool> Tools { get; }

    public IReadOnlyDictionary<string, Route> ToolRoutes { get; }

    public IReadOnlyList<Prompt> Prompts { get; }

    public IReadOnlyDictionary<string, Route> PromptRoutes { get; }

    public IReadOnlyList<Resource> Resources { get; }

    /// <summary>Resource URI → server.</summary>
    public IReadOnlyDictionary<string, string> ResourceRoutes { get; }

    public IReadOnlyList<ResourceTemplate> ResourceTemplates { get; }

    public IReadOnlyList<TemplateRoute> TemplateRoutes { get; }

    /// <summary>The server serving <paramref name="uri"/>: a listed resource, else the first template that matches.</summary>
    public string? FindResourceServer(string uri)
    {
        if (ResourceRoutes.TryGetValue(uri, out var server))
        {
            return server;
        }
        foreach (var route in TemplateRoutes)
        {
            if (route.Matcher.IsMatch(uri))
            {
                return route.Server;
            }
        }
        return null;
    }
}
