using McpAspire.Hosting.ApplicationModel;

namespace McpAspire.Hosting;

/// <summary><c>AddParameter</c> and <c>AddConnectionString</c>.</summary>
public static class ParameterResourceBuilderExtensions
{
    /// <summary>Adds a parameter read from configuration <c>Parameters:{name}</c>.</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this IDistributedApplicationBuilder builder, string name, bool secret = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ParameterResource(name, () => builder.Configuration[$"Parameters:{name}"], secret));
    }

    /// <summary>Adds a parameter that is generated (letters and digits) unless configured.</summary>
    public static IResourceBuilder<ParameterResource> AddGeneratedParameter(this IDistributedApplicationBuilder builder, string name, bool secret, GeneratedParameterDefault generate)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ParameterResource(name, () => builder.Configuration[$"Parameters:{name}"], secret, generate));
    }

    /// <summary>Adds an existing service reached through configuration <c>ConnectionStrings:{name}</c>.</summary>
    public static IResourceBuilder<ConnectionStringResource> AddConnectionString(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ConnectionStringResource(name, () => builder.Configuration.GetSection("ConnectionStrings")[name]));
    }
}
