using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting;

/// <summary><c>AddExecutable</c>.</summary>
public static class ExecutableResourceBuilderExtensions
{
    /// <summary>Adds a program started as a process; <paramref name="workingDirectory"/> is relative to the AppHost directory.</summary>
    public static IResourceBuilder<ExecutableResource> AddExecutable(this IDistributedApplicationBuilder builder, string name, string command, string workingDirectory, params object[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var resource = new ExecutableResource(name, command, Path.GetFullPath(Path.Combine(builder.AppHostDirectory, workingDirectory)));
        var rb = builder.AddResource(resource);
        if (args is { Length: > 0 })
        {
            rb.WithArgs(args);
        }
        return rb;
    }
}
