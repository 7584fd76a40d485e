using System.Text.Json;
using System.Text.RegularExpressions;
using McpAspire.Gateway.Configuration;
using McpAspire.Gateway.Downstream;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace McpAspire.Gateway.Catalog;

/// <summary>One server's contribution to the merged catalog.</summary>
public sealed record ServerCatalog(string Server, string Prefix, DownstreamCatalog Catalog, IReadOnlyList<string> AllowTools, IReadOnlyList<string> DenyTools);

/// <summary>
/// Merges per-server catalogs into what clients see. Deterministic: servers are taken in ordinal name order and items
/// in the order each server lists them, so every replica builds the same names. Prefix modes: <c>always</c> prefixes
/// every tool and prompt as <c>prefix__name</c>; <c>on-conflict</c> prefixes every name that more than one server uses;
/// <c>never</c> keeps names and lets the first server win a collision. With an <see cref="ExposedNameMemory"/>, a name
/// clients were already served stays with its item whatever joins later: the newcomer is the one prefixed (or hidden).
/// </summary>
public static class CatalogBuilder
{
    /// <summary>
    /// Builds a snapshot; <paramref name="hidden"/> collects names dropped by collisions (for logs) and
    /// <paramref name="collisions"/> every collision and how it was resolved (for logs and /stats).
    /// </summary>
    public static CatalogSnapshot Build(long version, IEnumerable<ServerCatalog> servers, PrefixMode mode, List<string>? hidden = null, IEnumerable<ServerCatalog>? unavailable = null,
        ExposedNameMemory? memory = null, List<NameCollision>? collisions = null)
    {
        var ordered = servers.OrderBy(s => s.Server, StringComparer.Ordinal).ToList();

        var toolItems = ordered.SelectMany(s => s.Catalog.Tools.Where(t => IsAllowed(t.Name, s)).Select(t => (s, t.Name, Item: ToolSchemas.Normalize(t))));
        var (tools, toolRoutes) = Expose(ExposedNameMemory.Tool, toolItems, mode, hidden, memory, collisions, static (tool, name) => Rename(tool, name));

        var promptItems = ordered.SelectMany(s => s.Catalog.Prompts.Select(p => (s, p.Name, Item: p)));
        var (prompts, promptRoutes) = Expose(ExposedNameMemory.Prompt, promptItems, mode, hidden, memory, collisions, static (prompt, name) => Rename(prompt, name));

        var resources = new List<Resource>();
        var resourceRoutes = new Dictionary<string, string>(StringComparer.Ordinal);
        var templates = new List<ResourceTemplate>();
        var templateRoutes = new List<TemplateRoute>();
        foreach (var s in ordered)
        {
            foreach (var r in s.Catalog.Resources)
            {
                if (resourceRoutes.TryAdd(r.Uri, s.Server))
                {
                    resources.Add(r);
                }
                else
                {
                    hidden?.Add($"resource {r.Uri} of {s.Server} (already served by {resourceRoutes[r.Uri]})");
                }
            }
            foreach (var t in s.Catalog.ResourceTemplates)
            {
                templates.Add(t);
                templateRoutes.Add(new TemplateRoute(s.Server, t, TemplateMatcher(t.UriTemplate)));
            }
        }
        var unavailableRoutes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in (unavailable ?? []).OrderBy(s => s.Server, StringComparer.Ordinal))
        {
            foreach (var tool in s.Catalog.Tools.Where(t => IsAllowed(t.Name, s)))
            {
                string[] candidates = memory is not null && memory.TryGetExposed(ExposedNameMemory.Tool, s.Server, tool.Name, out var remembered)
                    ? [remembered]
                    : [ExposedNames.Sanitize(tool.Name), ExposedNames.Sanitize(s.Prefix + GatewayOptions.PrefixSeparator + tool.Name)];
                foreach (var candidate in candidates)
                {
                    if (!toolRoutes.ContainsKey(candidate))
                    {
                        unavailableRoutes.TryAdd(candidate, s.Server);
                    }
                }
            }
        }
        return new CatalogSnapshot(version, tools, toolRoutes, prompts, promptRoutes, resources, resourceRoutes, templates, templateRoutes, unavailableRoutes);
    }

    /// <summary>A regex for an RFC 6570 URI template: <c>{x}</c> matches one path segment, <c>{+x}</c>/<c>{/x*}</c> anything.</summary>
    public static Regex TemplateMatcher(string uriTemplate)
    {
        ArgumentNullException.ThrowIfNull(uriTemplate);
        var pattern = new System.Text.StringBuilder("^");
        var i = 0;
        while (i < uriTemplate.Length)
        {
            var open = uriTemplate.IndexOf('{', i);
            if (open < 0)
            {
                pattern.Append(Regex.Escape(uriTemplate[i..]));
                break;
            }
            pattern.Append(Regex.Escape(uriTemplate[i..open]));
            var close = uriTemplate.IndexOf('}', open);
            if (close < 0)
            {
                pattern.Append(Regex.Escape(uriTemplate[open..]));
                break;
            }
            var expression = uriTemplate[(open + 1)..close];
            pattern.Append(expression.Length > 0 && expression[0] is '+' or '#' or '/' || expression.EndsWith('*') ? ".*" : expression.Length > 0 && expression[0] == '?' ? "(\\?.*)?" : "[^/?#]*");
            i = close + 1;
        }
        pattern.Append('$');
        return new Regex(pattern.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }

    private static bool IsAllowed(string tool, ServerCatalog s) =>
        (s.AllowTools.Count == 0 || s.AllowTools.Any(p => ExposedNames.MatchesPattern(tool, p)))
        && !s.DenyTools.Any(p => ExposedNames.MatchesPattern(tool, p));

    private static (List<T> Items, Dictionary<string, Route> Routes) Expose<T>(string kind,
        IEnumerable<(ServerCatalog Server, string Name, T Item)> items, PrefixMode mode, List<string>? hidden, ExposedNameMemory? memory,
        List<NameCollision>? collisions, Func<T, string, T> rename)
    {
        var all = items.ToList();
        var usage = all.GroupBy(i => ExposedNames.Sanitize(i.Name), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(i => i.Server.Server).Distinct().Count(), StringComparer.Ordinal);
        var routes = new Dictionary<string, Route>(StringComparer.Ordinal);
        var exposedAt = new string?[all.Count];
        // Incumbents first: whatever clients were already served keeps its name.
        for (var i = 0; memory is not null && i < all.Count; i++)
        {
            var (server, name, _) = all[i];
            if (memory.TryGetExposed(kind, server.Server, name, out var remembered) && routes.TryAdd(remembered, new Route(server.Server, name)))
            {
                exposedAt[i] = remembered;
            }
        }
        for (var i = 0; i < all.Count; i++)
        {
            if (exposedAt[i] is not null)
            {
                continue;
            }
            var (server, name, _) = all[i];
            var plain = ExposedNames.Sanitize(name);
            var holder = HolderOf(plain, server.Server, name);
            var prefixed = mode == PrefixMode.Always || (mode == PrefixMode.OnConflict && (usage[plain] > 1 || holder is not null));
            var exposed = prefixed ? ExposedNames.Sanitize(server.Prefix + GatewayOptions.PrefixSeparator + name) : plain;
            if (HolderOf(exposed, server.Server, name) is { } taken)
            {
                if (mode == PrefixMode.Never || !prefixed)
                {
                    hidden?.Add($"{name} of {server.Server} (name taken by {taken})");
                    collisions?.Add(new NameCollision(kind, server.Server, name, null, taken));
                    continue;
                }
                // A prefixed name can still collide with another server's plain one; keep both, deterministically.
                var n = 2;
                while (HolderOf(ExposedNames.Sanitize($"{exposed}_{n}"), server.Server, name) is not null)
                {
                    n++;
                }
                exposed = ExposedNames.Sanitize($"{exposed}_{n}");
            }
            routes[exposed] = new Route(server.Server, name);
            exposedAt[i] = exposed;
            if (mode == PrefixMode.OnConflict && exposed != plain)
            {
                collisions?.Add(new NameCollision(kind, server.Server, name, exposed, holder));
            }
        }
        var result = new List<T>(all.Count);
        for (var i = 0; i < all.Count; i++)
        {
            if (exposedAt[i] is { } exposed)
            {
                result.Add(exposed == all[i].Name ? all[i].Item : rename(all[i].Item, exposed));
            }
        }
        return (result, routes);

        // The server holding an exposed name now, or that was served it before (and may come back), other than this item.
        string? HolderOf(string exposed, string server, string name) =>
            routes.TryGetValue(exposed, out var route) && (route.Server != server || route.OriginalName != name) ? route.Server
            : memory is not null && memory.IsHeldByOther(kind, exposed, server, name, out var held) ? held.Server
            : null;
    }

    private static Tool Rename(Tool tool, string name)
    {
        var copy = JsonSerializer.Deserialize<Tool>(JsonSerializer.SerializeToUtf8Bytes(tool, McpJsonUtilities.DefaultOptions), McpJsonUtilities.DefaultOptions)!;
        copy.Name = name;
        return copy;
    }

    private static Prompt Rename(Prompt prompt, string name)
    {
        var copy = JsonSerializer.Deserialize<Prompt>(JsonSerializer.SerializeToUtf8Bytes(prompt, McpJsonUtilities.DefaultOptions), McpJsonUtilities.DefaultOptions)!;
        copy.Name = name;
        return copy;
    }
}
