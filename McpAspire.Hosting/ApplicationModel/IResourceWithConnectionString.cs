namespace McpAspire.Hosting.ApplicationModel;

/// <summary>A resource others reach through a connection string (<c>ConnectionStrings__{name}</c>).</summary>
public interface IResourceWithConnectionString : IResource, IValueProvider, IManifestExpressionProvider
{
    /// <summary>The connection string as an expression: a value in run mode, <c>{…}</c> placeholders in the manifest.</summary>
    ReferenceExpression ConnectionStringExpression { get; }

    /// <summary>The environment key the connection string is injected under (default: the resource name).</summary>
    string ConnectionStringEnvironmentName => Name;

    ValueTask<string?> IValueProvider.GetValueAsync(CancellationToken cancellationToken) =>
        ConnectionStringExpression.GetValueAsync(cancellationToken);

    string IManifestExpressionProvider.ValueExpression => $"{{{Name}.connectionString}}";
}
