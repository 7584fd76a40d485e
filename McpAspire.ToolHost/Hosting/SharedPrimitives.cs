using Microsoft.Extensions.Options;
using ModelContextProtocol;
using ModelContextProtocol.Server;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// One set of tool, prompt and resource collections for every MCP server the SDK creates. The SDK builds a whole server
/// per stateless 2026-07-28 request, and its options factory copies every <c>WithTools</c>/<c>WithPrompts</c>/
/// <c>WithResources</c> registration into fresh collections each time (one dictionary insert per primitive). This moves those registrations out of the container into a singleton that builds the
/// collections once (with the SDK's own factories, so the primitives are exactly what the SDK would have built) and
/// assigns them in one configure action, ahead of every other configure action as the SDK's own setup runs. Servers
/// then share the collections: a change made at run time reaches every session and every stateless request alike.
/// </summary>
public static class SharedPrimitives
{
    /// <summary>
    /// Moves the primitives registered so far on <paramref name="builder"/> into shared collections. Call it after the
    /// last <c>WithTools</c>/<c>WithPrompts</c>/<c>WithResources</c>; any registered later are added per server as usual.
    /// </summary>
    public static IMcpServerBuilder WithSharedPrimitives(this IMcpServerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var moved = services.Where(d => !d.IsKeyedService
            && (d.ServiceType == typeof(McpServerTool) || d.ServiceType == typeof(McpServerPrompt) || d.ServiceType == typeof(McpServerResource))).ToList();
        foreach (var descriptor in moved)
        {
            services.Remove(descriptor);
        }
        var collections = new Collections(moved);
        services.AddSingleton(collections);
        var setup = ServiceDescriptor.Singleton<IConfigureOptions<McpServerOptions>>(sp => new Setup(sp.GetRequiredService<Collections>(), sp));
        // Right after the SDK's own setup (registered by AddMcpServer), so later configure actions see the collections
        // where they would have seen the SDK's.
        var sdkSetup = services.LastOrDefault(d => d.ServiceType == typeof(IConfigureOptions<McpServerOptions>)
            && d.ImplementationType?.FullName == "ModelContextProtocol.McpServerOptionsSetup");
        services.Insert(sdkSetup is null ? services.Count : services.IndexOf(sdkSetup) + 1, setup);
        return builder;
    }

    /// <summary>The moved registrations, built into collections on first use.</summary>
    internal sealed class Collections(IReadOnlyList<ServiceDescriptor> registrations)
    {
        private readonly Lock _gate = new();
        private Built? _built;

        internal sealed record Built(
            McpServerPrimitiveCollection<McpServerTool>? Tools,
            McpServerPrimitiveCollection<McpServerPrompt>? Prompts,
            McpServerResourceCollection? Resources);

        public Built Get(IServiceProvider services)
        {
            if (Volatile.Read(ref _built) is { } built)
            {
                return built;
            }
            lock (_gate)
            {
                return _built ??= Build(services);
            }
        }

        private Built Build(IServiceProvider services)
        {
            McpServerPrimitiveCollection<McpServerTool>? tools = null;
            McpServerPrimitiveCollection<McpServerPrompt>? prompts = null;
            McpServerResourceCollection? resources = null;
            foreach (var registration in registrations)
            {
                // The SDK registers instances or factories (WithTools<T>, WithTools(instances), WithPrompts, WithResources).
                var primitive = registration.ImplementationInstance
                    ?? registration.ImplementationFactory?.Invoke(services)
                    ?? ActivatorUtilities.CreateInstance(services, registration.ImplementationType!);
                switch (primitive)
                {
                    case McpServerTool tool:
                        (tools ??= []).TryAdd(tool);
                        break;
                    case McpServerPrompt prompt:
                        (prompts ??= []).TryAdd(prompt);
                        break;
                    case McpServerResource resource:
                        (resources ??= []).TryAdd(resource);
                        break;
                }
            }
            return new Built(tools, prompts, resources);
        }
    }

    // One configure action: the shared collections, or the primitives added to a collection someone set before.
    private sealed class Setup(Collections collections, IServiceProvider services) : IConfigureOptions<McpServerOptions>
    {
        public void Configure(McpServerOptions options)
        {
            var built = collections.Get(services);
            options.ToolCollection = Merge(options.ToolCollection, built.Tools);
            options.PromptCollection = Merge(options.PromptCollection, built.Prompts);
            options.ResourceCollection = Merge(options.ResourceCollection, built.Resources);
        }

        private static TCollection? Merge<TCollection, TPrimitive>(TCollection? existing, TCollection? shared)
            where TCollection : McpServerPrimitiveCollection<TPrimitive>
            where TPrimitive : IMcpServerPrimitive
        {
            if (existing is null || shared is null || ReferenceEquals(existing, shared))
            {
                return existing ?? shared;
            }
            foreach (var primitive in shared)
            {
                existing.TryAdd(primitive);
            }
            return existing;
        }

        private static McpServerPrimitiveCollection<McpServerTool>? Merge(McpServerPrimitiveCollection<McpServerTool>? existing, McpServerPrimitiveCollection<McpServerTool>? shared) =>
            Merge<McpServerPrimitiveCollection<McpServerTool>, McpServerTool>(existing, shared);

        private static McpServerPrimitiveCollection<McpServerPrompt>? Merge(McpServerPrimitiveCollection<McpServerPrompt>? existing, McpServerPrimitiveCollection<McpServerPrompt>? shared) =>
            Merge<McpServerPrimitiveCollection<McpServerPrompt>, McpServerPrompt>(existing, shared);

        private static McpServerResourceCollection? Merge(McpServerResourceCollection? existing, McpServerResourceCollection? shared) =>
            Merge<McpServerResourceCollection, McpServerResource>(existing, shared);
    }
}
