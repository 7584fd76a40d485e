namespace McpAspire.Hosting.Kubernetes;

/// <summary>The labels every written object carries, and the selector of a resource's pods.</summary>
internal static class KubernetesLabels
{
    public const string Name = "app.kubernetes.io/name";
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string ManagedBy = "app.kubernetes.io/managed-by";

    public static Dictionary<string, string> For(string resourceName) => new(StringComparer.Ordinal)
    {
        [Name] = resourceName,
        [PartOf] = "mcpaspire",
        [ManagedBy] = "mcpaspire-apphost",
    };

    public static Dictionary<string, string> Selector(string resourceName) => new(StringComparer.Ordinal) { [Name] = resourceName };
}
