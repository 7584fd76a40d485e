namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Any program started as a process (a Node MCP server, a script…).</summary>
public sealed class ExecutableResource : Resource, IResourceWithEnvironment, IResourceWithServiceDiscovery, IResourceWithArgs, IResourceWithWaitSupport
{
    /// <summary>Creates the resource.</summary>
    public ExecutableResource(string name, string command, string workingDirectory) : base(name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        ArgumentException.ThrowIfNullOrWhiteSpace(workingDirectory);
        Command = command;
        WorkingDirectory = workingDirectory;
    }

    /// <summary>The program: a path or a name looked up on PATH.</summary>
    public string Command { get; }

    /// <summary>Absolute working directory.</summary>
    public string WorkingDirectory { get; }
}
