namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Run <see cref="Replicas"/> processes of the resource behind one front port.</summary>
public sealed class ReplicaAnnotation : IResourceAnnotation
{
    /// <summary>Creates the annotation.</summary>
    public ReplicaAnnotation(int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        Replicas = replicas;
    }

    /// <summary>Number of processes.</summary>
    public int Replicas { get; }
}
