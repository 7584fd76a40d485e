using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// The service key: a secret the AppHost generates per run (a secret <c>parameter.v0</c> with a <c>generate</c> default in
/// the manifest) that the state service and the tool host demand of every caller (<c>X-McpAspire-Service-Key</c>).
/// </summary>
public static class ServiceKeyExtensions
{
    /// <summary>Adds the secret parameter <c>service-key</c>: 32 letters and digits, unless <c>Parameters:service-key</c> is set.</summary>
    public static IResourceBuilder<ParameterResource> AddServiceKey(this IDistributedApplicationBuilder builder, string name = "service-key")
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddParameter(name, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true);
    }

    /// <summary>Injects the key as <c>ServiceAuth__Key</c> and demands it (<c>ServiceAuth__Required=true</c>).</summary>
    public static IResourceBuilder<T> WithServiceKey<T>(this IResourceBuilder<T> builder, IResourceBuilder<ParameterResource> key)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(key);
        return builder.WithEnvironment("ServiceAuth__Key", key).WithEnvironment("ServiceAuth__Required", "true");
    }
}
