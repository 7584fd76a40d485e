using McpAspire.ServiceDefaults.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of the standard HTTP resilience handler.</summary>
public static class ResilienceServiceCollectionExtensions
{
    /// <summary>Binds <see cref="HttpResilienceOptions"/> from configuration, validated at start-up.</summary>
    public static IServiceCollection AddHttpResilience(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HttpResilienceOptions>()
            .Bind(configuration.GetSection(HttpResilienceOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpResilienceOptions>, HttpResilienceOptionsValidator>();
        services.AddSingleton<HttpResiliencePipelines>();
        return services;
    }

    /// <summary>Adds total and per-attempt timeouts, retry with jittered exponential backoff, and a circuit breaker.</summary>
    public static IHttpClientBuilder AddStandardResilienceHandler(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var name = builder.Name;
        return builder.AddHttpMessageHandler(sp => new ResilienceHandler(sp.GetRequiredService<HttpResiliencePipelines>().Get(name)));
    }
}
