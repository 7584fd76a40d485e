using McpAspire.ServiceDefaults.ServiceDiscovery;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of configuration-based service discovery.</summary>
public static class ServiceDiscoveryServiceCollectionExtensions
{
    /// <summary>Registers the <see cref="ServiceEndpointResolver"/> singleton.</summary>
    public static IServiceCollection AddServiceDiscovery(this IServiceCollection services)
    {
        services.AddSingleton<ServiceEndpointResolver>();
        services.AddTransient<ServiceDiscoveryHandler>();
        return services;
    }

    /// <summary>Resolves <c>http://name</c> and <c>https+http://name</c> for this client.</summary>
    public static IHttpClientBuilder AddServiceDiscovery(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddServiceDiscovery();
        return builder.AddHttpMessageHandler<ServiceDiscoveryHandler>();
    }
}
