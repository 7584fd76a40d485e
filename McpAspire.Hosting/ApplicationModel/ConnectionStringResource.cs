namespace McpAspire.Hosting.ApplicationModel;

/// <summary>
/// An existing service reached by a connection string from the AppHost's configuration
/// (<c>ConnectionStrings:{name}</c>); nothing is started for it. In the manifest it is a secret <c>parameter.v0</c>
/// with a <c>connectionString</c>, as Aspire writes it.
/// </summary>
public sealed class ConnectionStringResource : Resource, IResourceWithConnectionString, IResourceWithWaitSupport
{
    private readonly Func<string?> _configured;

    /// <summary>Creates the resource over a configuration reader.</summary>
    public ConnectionStringResource(string name, Func<string?> configured) : base(name)
    {
        _configured = configured ?? throw new ArgumentNullException(nameof(configured));
    }

    /// <summary>The configured connection string, or a clear error naming the key.</summary>
    public string Value => _configured() is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"Connection string '{Name}' is not set: set configuration key 'ConnectionStrings:{Name}' (environment ConnectionStrings__{Name}).");

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(new DelegateValue(() => Value, $"{{{Name}.value}}"));
}
