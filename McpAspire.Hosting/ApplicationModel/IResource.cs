namespace McpAspire.Hosting.ApplicationModel;

/// <summary>A named part of the distributed application (a project, an executable, Redis, a parameter…).</summary>
public interface IResource
{
    /// <summary>The unique name: the key in the manifest, the service-discovery name and the dashboard row.</summary>
    string Name { get; }

    /// <summary>What is known about the resource beyond its type: endpoints, environment, waits, replicas…</summary>
    ResourceAnnotationCollection Annotations { get; }
}
