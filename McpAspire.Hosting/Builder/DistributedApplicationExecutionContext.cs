namespace McpAspire.Hosting;

/// <summary>Run or publish, for callbacks that produce different values in each (ports vs placeholders).</summary>
public sealed class DistributedApplicationExecutionContext
{
    /// <summary>Creates the context.</summary>
    public DistributedApplicationExecutionContext(DistributedApplicationOperation operation)
    {
        Operation = operation;
    }

    /// <summary>The operation.</summary>
    public DistributedApplicationOperation Operation { get; }

    /// <summary>True when resources are started locally.</summary>
    public bool IsRunMode => Operation == DistributedApplicationOperation.Run;

    /// <summary>True when the manifest is written.</summary>
    public bool IsPublishMode => Operation == DistributedApplicationOperation.Publish;
}
