namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Keep the resource's data across runs in <see cref="DataDirectory"/> (a volume in the manifest).</summary>
public sealed class PersistenceAnnotation : IResourceAnnotation
{
    /// <summary>Creates the annotation.</summary>
    public PersistenceAnnotation(string dataDirectory, string volumeName)
    {
        DataDirectory = dataDirectory;
        VolumeName = volumeName;
    }

    /// <summary>Absolute directory used in run mode.</summary>
    public string DataDirectory { get; }

    /// <summary>Volume name written to the manifest.</summary>
    public string VolumeName { get; }
}
