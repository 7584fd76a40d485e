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
/// <c>never</c> keeps names and lets the first server win a collision.
/// </summary>
public static class CatalogBuilder
{
    /// <summary>Builds a snapshot; <paramref name="hidden"/> collects names dropped by collisions (for logs and /stats).</summary>
    public static CatalogSnapshot Build(long version, IEnumerable<ServerCatalog> servers, PrefixMode mode, List<string>? hidden = null, IEnumerable<ServerCatalog>? unavailable = null)
    {
        var ordered = servers.OrderBy(s => s.Server, StringComparer.Ordinal).ToList();

        var toolItems = ordered.SelectMany(s => s.Catalog.Tools.Where(t => IsAllowed(t.Name, s)).Select(t => (s, t.Name, Item: t)));
        var (tools, toolRoutes) = Expose(toolItems, mode, hidden, static (tool, name) => Rename(tool, name));

        var promptItems = ordered.SelectMany(s => s.Catalog.Prompts.Select(p => (s, p.Name, Item: p)));
        var (prompts, promptRoutes) = Expose(promptItems, mode, hidden, static (prompt, name) => Rename(prompt, name));

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
                foreach (var candidate in (string[])[ExposedNames.Sanitize(tool.Name), ExposedNames.Sanitize(s.Prefix + GatewayOptions.PrefixSeparator + tool.Name)])
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

    private static (List<T> Items, Dictionary<string, Route> Routes) Expose<T>(
        IEnumerable<(ServerCatalog Server, string Name, T Item)> items, PrefixMode mode, List<string>? hidden, Func<T, string, T> rename)
    {
        var all = items.ToList();
        var usage = all.GroupBy(i => ExposedNames.Sanitize(i.Name), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(i => i.Server.Server).Distinct().Count(), StringComparer.Ordinal);
        var result = new List<T>(all.Count);
        var routes = new Dictionary<string, Route>(StringComparer.Ordinal);
        foreach (var (server, name, item) in all)
        {
            var plain = ExposedNames.Sanitize(name);
            var prefixed = mode == PrefixMode.Always || (mode == PrefixMode.OnConflict && usage[plain] > 1);
            var exposed = prefixed ? ExposedNames.Sanitize(server.Prefix + GatewayOptions.PrefixSeparator + name) : plain;
            if (routes.ContainsKey(exposed))
            {
                if (mode == PrefixMode.Never || !prefixed)
                {
                    hidden?.Add($"{name} of {server.Server} (name taken by {routes[exposed].Server})");
                    continue;
                }
                // A prefixed name can still collide with another server's plain one; keep both, deterministically.
                var n = 2;
                while (routes.ContainsKey(ExposedNames.Sanitize($"{exposed}_{n}")))
                {
                    n++;
                }
                exposed = ExposedNames.Sanitize($"{exposed}_{n}");
            }
            routes[exposed] = new Route(server.Server, name);
            result.Add(exposed == name ? item : rename(item, exposed));
        }
        return (result, routes);
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
