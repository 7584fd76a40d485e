using McpAspire.Gateway.Catalog;
using McpAspire.Gateway.Downstream;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace McpAspire.Gateway.Security;

/// <summary>
/// Applies <see cref="AccessPolicy"/> to the MCP surface as request filters around the gateway's handlers: list
/// results lose what the caller may not use, and a call, get, read, subscribe or completion of such an item fails
/// exactly like one of an unknown item (same JSON-RPC error, nothing about the rule leaks). With no rules the filters
/// pass straight through.
/// </summary>
public static class GatewayAccessFilters
{
    /// <summary>Adds the filters to the gateway's MCP server.</summary>
    public static IMcpServerBuilder WithGatewayAccessFilters(this IMcpServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithRequestFilters(filters => filters
            .AddListToolsFilter(next => async (request, ct) =>
            {
                var result = await next(request, ct).ConfigureAwait(false);
                if (Judge(request) is { } judge)
                {
                    result.Tools = [.. result.Tools.Where(t => judge.Access.Allows(judge.Catalog.ToolRoutes, AccessItemKind.Tool, t.Name))];
                }
                return result;
            })
            .AddCallToolFilter(next => (request, ct) =>
            {
                if (Judge(request) is { } judge && request.Params?.Name is { } name && !judge.AllowsTool(name))
                {
                    throw DownstreamErrors.UnknownTool(name);
                }
                return next(request, ct);
            })
            .AddListPromptsFilter(next => async (request, ct) =>
            {
                var result = await next(request, ct).ConfigureAwait(false);
                if (Judge(request) is { } judge)
                {
                    result.Prompts = [.. result.Prompts.Where(p => judge.Access.Allows(judge.Catalog.PromptRoutes, AccessItemKind.Prompt, p.Name))];
                }
                return result;
            })
            .AddGetPromptFilter(next => (request, ct) =>
            {
                if (Judge(request) is { } judge && request.Params?.Name is { } name && !judge.Access.Allows(judge.Catalog.PromptRoutes, AccessItemKind.Prompt, name))
                {
                    throw DownstreamErrors.UnknownPrompt(name);
                }
                return next(request, ct);
            })
            .AddListResourcesFilter(next => async (request, ct) =>
            {
                var result = await next(request, ct).ConfigureAwait(false);
                if (Judge(request) is { } judge)
                {
                    result.Resources = [.. result.Resources.Where(r => judge.AllowsResource(r.Uri))];
                }
                return result;
            })
            .AddListResourceTemplatesFilter(next => async (request, ct) =>
            {
                var result = await next(request, ct).ConfigureAwait(false);
                if (Judge(request) is { } judge)
                {
                    result.ResourceTemplates = [.. result.ResourceTemplates.Where(t => judge.AllowsTemplate(t.UriTemplate))];
                }
                return result;
            })
            .AddReadResourceFilter(next => (request, ct) =>
            {
                if (Judge(request) is { } judge && request.Params?.Uri is { } uri && !judge.AllowsResource(uri))
                {
                    throw DownstreamErrors.UnknownResource(uri);
                }
                return next(request, ct);
            })
            .AddSubscribeToResourcesFilter(next => (request, ct) =>
            {
                if (Judge(request) is { } judge && request.Params?.Uri is { } uri && !judge.AllowsResource(uri))
                {
                    throw DownstreamErrors.UnknownResource(uri);
                }
                return next(request, ct);
            })
            .AddCompleteFilter(next => (request, ct) =>
            {
                if (Judge(request) is { } judge)
                {
                    var allowed = request.Params?.Ref switch
                    {
                        PromptReference prompt => judge.Access.Allows(judge.Catalog.PromptRoutes, AccessItemKind.Prompt, prompt.Name),
                        ResourceTemplateReference { Uri: { } template } => judge.AllowsTemplate(template),
                        _ => true,
                    };
                    if (!allowed)
                    {
                        // What the gateway answers for a reference it does not know.
                        return ValueTask.FromResult(new CompleteResult { Completion = new Completion { Values = [] } });
                    }
                }
                return next(request, ct);
            }));
    }

    private static Judgement? Judge<T>(RequestContext<T> request)
    {
        var services = request.Services ?? throw new InvalidOperationException("The MCP request has no service provider.");
        var policy = services.GetRequiredService<AccessPolicy>();
        if (policy.AllowsEverything)
        {
            return null;
        }
        return new Judgement(policy.For(request.User), services.GetRequiredService<DownstreamManager>().Catalog);
    }

    private static bool Allows(this PrincipalAccess access, IReadOnlyDictionary<string, McpAspire.Gateway.Catalog.Route> routes, AccessItemKind kind, string name) =>
        // An item missing from the current catalog is not the caller's to use (the handler would call it unknown anyway).
        routes.TryGetValue(name, out var route) && access.Allows(kind, route.Server, name, route.OriginalName);

    private sealed record Judgement(PrincipalAccess Access, CatalogSnapshot Catalog)
    {
        public bool AllowsTool(string name)
        {
            if (Catalog.ToolRoutes.TryGetValue(name, out var route))
            {
                return Access.Allows(AccessItemKind.Tool, route.Server, name, route.OriginalName);
            }
            // A tool of a server that is down: judge it by its server so "unavailable" does not reveal a denied tool.
            return !Catalog.UnavailableToolRoutes.TryGetValue(name, out var server) || Access.Allows(AccessItemKind.Tool, server, name);
        }

        public bool AllowsResource(string uri) =>
            Catalog.FindResourceServer(uri) is not { } server || Access.Allows(AccessItemKind.Resource, server, uri);

        public bool AllowsTemplate(string uriTemplate) =>
            Catalog.TemplateRoutes.FirstOrDefault(t => t.Template.UriTemplate == uriTemplate) is not { } route
            || Access.Allows(AccessItemKind.Resource, route.Server, uriTemplate);
    }
}
