using Aspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting.Redis;

/// <summary>
/// Redis as an executable resource (<c>redis-server</c> or Garnet), for machines without a container runtime. Same
/// connection-string contract as Aspire's <c>RedisResource</c>: <c>host:port,password=…</c>, handed to references as
/// <c>ConnectionStrings__{name}</c>.
/// </summary>
public sealed class RedisServerResource : ExecutableResource, IResourceWithConnectionString
{
    /// <summary>The name of the TCP endpoint clients connect to.</summary>
    public const string PrimaryEndpointName = "tcp";

    /// <summary>Creates the resource; <c>AddRedisServer</c> is the usual way.</summary>
    public RedisServerResource(string name, RedisServerLaunch launch, ParameterResource password)
        : base(name, launch.Command, launch.WorkingDirectory)
    {
        ArgumentNullException.ThrowIfNull(password);
        Launch = launch;
        PasswordParameter = password;
        PrimaryEndpoint = new EndpointReference(this, PrimaryEndpointName);
    }

    /// <summary>How the server is started (program, files, persistence).</summary>
    public RedisServerLaunch Launch { get; }

    /// <summary>The password every client must send (always set).</summary>
    public ParameterResource PasswordParameter { get; }

    /// <summary>The TCP endpoint clients connect to.</summary>
    public EndpointReference PrimaryEndpoint { get; }

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={PasswordParameter}");
}
