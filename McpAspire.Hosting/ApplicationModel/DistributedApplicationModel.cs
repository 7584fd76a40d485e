using System.Reflection;

namespace McpAspire.Hosting.ApplicationModel;

/// <summary>The frozen set of resources an application runs or publishes.</summary>
public sealed class DistributedApplicationModel
{
    /// <summary>Creates the model.</summary>
    public DistributedApplicationModel(IReadOnlyList<IResource> resources, string appHostDirectory, Assembly? appHostAssembly)
    {
        Resources = resources;
        AppHostDirectory = appHostDirectory;
        AppHostAssembly = appHostAssembly;
    }

    /// <summary>Every resource, in the order added.</summary>
    public IReadOnlyList<IResource> Resources { get; }

    /// <summary>The AppHost project directory.</summary>
    public string AppHostDirectory { get; }

    /// <summary>The AppHost assembly, if known.</summary>
    public Assembly? AppHostAssembly { get; }
}
