namespace McpAspire.Hosting.ApplicationModel;

/// <summary>
/// Redis: a local <c>redis-server</c> or Garnet process in run mode (or an external server given as
/// <c>ConnectionStrings:{name}</c> in the AppHost's configuration), a <c>container.v0</c> in the manifest.
/// </summary>
public sealed class RedisResource : Resource, IResourceWithConnectionString, IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>Name of the TCP endpoint.</summary>
    public const string PrimaryEndpointName = "tcp";

    /// <summary>The image written to the manifest.</summary>
    public const string Image = "docker.io/library/redis";

    /// <summary>The image tag written to the manifest.</summary>
    public const string Tag = "7.4";

    /// <summary>Creates the resource.</summary>
    public RedisResource(string name, ParameterResource password) : base(name)
    {
        PasswordParameter = password ?? throw new ArgumentNullException(nameof(password));
        PrimaryEndpoint = new EndpointReference(this, PrimaryEndpointName);
    }

    /// <summary>The password (generated, 22 letters and digits, unless configured).</summary>
    public ParameterResource PasswordParameter { get; }

    /// <summary>The TCP endpoint.</summary>
    public EndpointReference PrimaryEndpoint { get; }

    /// <summary>Which server to run.</summary>
    public RedisServerKind ServerKind { get; set; } = RedisServerKind.Auto;

    /// <summary>An external server's connection string; when set nothing is started and health probes that server.</summary>
    public string? ExternalConnectionString { get; set; }

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => ExternalConnectionString is { } external
        ? ReferenceExpression.Create(new DelegateValue(() => external, $"{{{Name}.connectionString}}"))
        : ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)},password={PasswordParameter}");

    /// <summary>The expression written as the manifest's <c>connectionString</c> (always the container form).</summary>
    internal string ManifestConnectionString =>
        $"{{{Name}.bindings.tcp.host}}:{{{Name}.bindings.tcp.port}},password={PasswordParameter.ValueExpression}";
}
