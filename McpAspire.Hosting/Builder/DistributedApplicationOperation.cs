namespace McpAspire.Hosting;

/// <summary>What the AppHost was asked to do.</summary>
public enum DistributedApplicationOperation
{
    /// <summary>Start every resource locally.</summary>
    Run,

    /// <summary>Write the manifest (<c>--publisher manifest --output-path PATH</c>) and exit.</summary>
    Publish,
}
