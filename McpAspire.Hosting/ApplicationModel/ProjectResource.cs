namespace McpAspire.Hosting.ApplicationModel;

/// <summary>A .NET project started from its build output (<c>dotnet bin/…/Name.dll</c>).</summary>
public sealed class ProjectResource : Resource, IResourceWithEnvironment, IResourceWithServiceDiscovery, IResourceWithArgs, IResourceWithWaitSupport
{
    /// <summary>Creates the resource for an absolute project file path.</summary>
    public ProjectResource(string name, string projectPath) : base(name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(projectPath);
        ProjectPath = Path.GetFullPath(projectPath);
    }

    /// <summary>Absolute path of the <c>.csproj</c>.</summary>
    public string ProjectPath { get; }

    /// <summary>The project's folder (the working directory of its processes).</summary>
    public string ProjectDirectory => Path.GetDirectoryName(ProjectPath)!;

    /// <summary>The assembly name, taken from the project file name.</summary>
    public string AssemblyName => Path.GetFileNameWithoutExtension(ProjectPath);
}
