namespace McpAspire.Hosting.ApplicationModel;

/// <summary>A reference from this resource to another (from <c>WithReference</c>); it orders the stop sequence.</summary>
public sealed class ResourceRelationshipAnnotation : IResourceAnnotation
{
    /// <summary>Creates the annotation.</summary>
    public ResourceRelationshipAnnotation(IResource resource, string type)
    {
        Resource = resource ?? throw new ArgumentNullException(nameof(resource));
        Type = type;
    }

    /// <summary>The referenced resource.</summary>
    public IResource Resource { get; }

    /// <summary>Kind of relationship (<c>Reference</c>).</summary>
    public string Type { get; }
}
