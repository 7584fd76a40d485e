namespace McpAspire.Hosting.ApplicationModel;

/// <summary>The resource starts only once <see cref="Resource"/> is healthy (<c>WaitFor</c>).</summary>
public sealed class WaitAnnotation : IResourceAnnotation
{
    /// <summary>Creates the annotation.</summary>
    public WaitAnnotation(IResource resource)
    {
        Resource = resource ?? throw new ArgumentNullException(nameof(resource));
    }

    /// <summary>The dependency.</summary>
    public IResource Resource { get; }
}
