using McpAspire.StateService.Client;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registration of the typed state service client.</summary>
public static class StateServiceClientExtensions
{
    /// <summary>
    /// Registers <see cref="StateServiceClient"/> as a typed HTTP client for <paramref name="baseAddress"/>
    /// (default <c>https+http://statesvc</c>, resolved by service discovery).
    /// </summary>
    public static IHttpClientBuilder AddStateServiceClient(this IServiceCollection services, string baseAddress = "https+http://statesvc")
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddHttpClient<StateServiceClient>(http => http.BaseAddress = new Uri(baseAddress.TrimEnd('/') + "/"));
    }
}
