using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>AppHost conventions for our service projects.</summary>
public static class ProjectResourceExtensions
{
    /// <summary>
    /// In run mode the service's <c>http</c> endpoint gets a free port instead of its launch profile's, so several
    /// AppHosts (tests, a developer's run) can run side by side; only the gateway front port and the dashboard are stable.
    /// The endpoint is not proxied: callers reach the process itself, so while it is down (killed, restarting) their
    /// connections are refused at once; through DCP's proxy they were accepted and held until the service was back
    /// (every tool call through the gateway stalled ~10 s after a tool host kill in the chaos soak). A restart gets the
    /// same port.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRandomPortInRunMode(this IResourceBuilder<ProjectResource> builder, IDistributedApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(app);
        return app.ExecutionContext.IsRunMode
            ? builder.WithEndpoint("http", e =>
            {
                e.Port = null;
                e.IsProxied = false;
            })
            : builder;
    }

    /// <summary>
    /// Published, services call each other by resource name, so each must accept its own name as Host
    /// (<c>Security__AllowedHosts</c>, see McpAspire.ServiceDefaults); an externally reachable one answers the ingress's
    /// public host, which the manifest cannot know, and relies on its authentication instead (<c>*</c>). The MCP endpoint's
    /// own guard (<c>Mcp:Endpoint:AllowedHosts</c>) gets the same host, or it refuses the ingress's Host. Run mode needs
    /// nothing: everything is on loopback.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAllowedHostsInManifest(this IResourceBuilder<ProjectResource> builder, IDistributedApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(app);
        if (!app.ExecutionContext.IsPublishMode)
        {
            return builder;
        }
        return builder.WithEnvironment(context =>
        {
            var external = builder.Resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.IsExternal);
            context.EnvironmentVariables["Security__AllowedHosts"] = external ? "*" : builder.Resource.Name;
            // The MCP endpoint's DNS-rebinding guard keeps its own list (Mcp:Endpoint:AllowedHosts): the same host.
            context.EnvironmentVariables["Mcp__Endpoint__AllowedHosts__0"] = external ? "*" : builder.Resource.Name;
        });
    }

    /// <summary>
    /// Writes the project as Aspire does (<c>project.v0</c>: path, args, env, bindings) plus <c>replicas</c>, the count
    /// from <c>WithReplicas</c>, which Aspire's manifest leaves out, so a deployment tool reading the manifest can scale
    /// the gateway as the AppHost does. Call after <c>WithReplicas</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReplicaCountInManifest(this IResourceBuilder<ProjectResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithManifestPublishingCallback(async context =>
        {
            var resource = builder.Resource;
            context.Writer.WriteString("type", "project.v0");
            context.Writer.WriteString("path", context.GetManifestRelativePath(resource.GetProjectMetadata().ProjectPath));
            await context.WriteCommandLineArgumentsAsync(resource).ConfigureAwait(false);
            await context.WriteEnvironmentVariablesAsync(resource).ConfigureAwait(false);
            context.WriteBindings(resource);
            context.Writer.WriteNumber("replicas", resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1);
        });
    }
}
