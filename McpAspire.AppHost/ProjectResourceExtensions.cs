using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>AppHost conventions for our service projects.</summary>
public static class ProjectResourceExtensions
{
    /// <summary>
    /// In run mode the service's <c>http</c> endpoint gets a free port instead of its launch profile's, so several
    /// AppHosts (tests, a developer's run) can run side by side; only the gateway front port and the dashboard are stable.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithRandomPortInRunMode(this IResourceBuilder<ProjectResource> builder, IDistributedApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(app);
        return app.ExecutionContext.IsRunMode ? builder.WithEndpoint("http", e => e.Port = null) : builder;
    }

    /// <summary>
    /// Published, services call each other by resource name, so each must accept its own name as Host
    /// (<c>Security__AllowedHosts</c>, see McpAspire.ServiceDefaults); an externally reachable one answers the ingress's
    /// public host, which the manifest cannot know, and relies on its authentication instead (<c>*</c>). Run mode needs
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
        });
    }
}
