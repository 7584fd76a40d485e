namespace McpAspire.Hosting;

/// <summary>
/// A project the AppHost references, as a type: <c>builder.AddProject&lt;Projects.McpAspire_Gateway&gt;("gateway")</c>.
/// The <c>Projects.*</c> classes are generated at build time from the AppHost's project references marked
/// <c>McpAspireProjectResource="true"</c> (see <c>build/McpAspire.Hosting.AppHost.targets</c>), as Aspire does.
/// </summary>
public interface IProjectMetadata
{
    /// <summary>Absolute path of the project file.</summary>
    string ProjectPath { get; }
}
