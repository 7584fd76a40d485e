using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting;

/// <summary>
/// Service-to-service trust: one generated secret the AppHost hands to every McpAspire service it wires together, which
/// they present to each other in the <c>X-McpAspire-Service-Key</c> header (McpAspire.ServiceDefaults, <c>ServiceAuth</c>).
/// </summary>
public static class ServiceKeyBuilderExtensions
{
    /// <summary>
    /// Adds the service key: a secret parameter (configuration <c>Parameters:{name}</c>, else 32 random letters and digits
    /// per run). In the manifest it is a secret <c>parameter.v0</c> input with a generate default, never a value.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddServiceKey(this IDistributedApplicationBuilder builder, string name = "service-key")
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddGeneratedParameter(name, secret: true, new GeneratedParameterDefault(MinLength: 32, Special: false));
    }

    /// <summary>
    /// Injects the key as <c>ServiceAuth__Key</c> and <c>ServiceAuth__Required=true</c>, so the service sends it to its
    /// McpAspire peers, demands it where it calls <c>RequireServiceKey()</c>, and refuses to start if a deployment forgets it.
    /// </summary>
    public static IResourceBuilder<T> WithServiceKey<T>(this IResourceBuilder<T> builder, IResourceBuilder<ParameterResource> key)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(key);
        return builder
            .WithEnvironment("ServiceAuth__Key", key.Resource)
            .WithEnvironment("ServiceAuth__Required", "true");
    }
}
