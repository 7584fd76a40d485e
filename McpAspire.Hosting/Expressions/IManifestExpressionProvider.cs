namespace McpAspire.Hosting.ApplicationModel;

/// <summary>Something written into the manifest as a <c>{resource.property}</c> placeholder the deployment tool fills.</summary>
public interface IManifestExpressionProvider
{
    /// <summary>The placeholder, e.g. <c>{gateway.bindings.http.url}</c>.</summary>
    string ValueExpression { get; }
}
