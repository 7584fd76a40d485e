using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting;

/// <summary><c>AddProject</c>.</summary>
public static class ProjectResourceBuilderExtensions
{
    /// <summary>Adds a .NET project the AppHost references, by its generated <c>Projects.*</c> type.</summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject(name, new TProject().ProjectPath);

    /// <summary>
    /// Adds a .NET project, by path relative to the AppHost project directory. It gets an <c>http</c> endpoint and a
    /// <c>/health</c> health check, and is started from its build output with the environment contract.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(projectPath);
        var fullPath = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, projectPath));
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"Project '{name}': file '{fullPath}' does not exist (paths are relative to the AppHost directory {builder.AppHostDirectory}).", fullPath);
        }
        return builder.AddResource(new ProjectResource(name, fullPath))
            .WithAnnotation(new EndpointAnnotation("http", "http", "http"))
            .WithAnnotation(new HttpHealthCheckAnnotation("/health", "http"));
    }
}
