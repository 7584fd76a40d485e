using McpAspire.ServiceDefaults.ServiceAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Service-to-service trust: <see cref="AddServiceAuth"/> (part of the service defaults) and <see cref="RequireServiceKey"/>.</summary>
public static partial class ServiceAuthExtensions
{
    /// <summary>
    /// Binds <see cref="ServiceAuthOptions"/> from <c>ServiceAuth</c> (validated at start-up) and registers the verifier and
    /// the outbound policy. <c>AddServiceDefaults</c> calls it and adds <see cref="ServiceKeyHandler"/> to every factory client.
    /// </summary>
    public static IServiceCollection AddServiceAuth(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ServiceAuthOptions>().Bind(configuration.GetSection(ServiceAuthOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ServiceAuthOptions>, ServiceAuthOptionsValidator>());
        services.TryAddSingleton<ServiceKeyVerifier>();
        services.TryAddSingleton<ServiceKeyOutbound>();
        services.TryAddTransient<ServiceKeyHandler>();
        return services;
    }

    /// <summary>
    /// Makes this service accept only callers presenting the service key (header <c>X-McpAspire-Service-Key</c>), except on
    /// <c>/health</c> and <c>/alive</c>. Missing or wrong key: 401 problem+json, or a 401 JSON-RPC error on
    /// <see cref="ServiceKeyEndpointOptions.JsonRpcPaths"/>. Without a configured key the service stays open and logs a
    /// warning once (unless <c>ServiceAuth:Required=true</c>, which fails start-up instead). Call before mapping endpoints.
    /// </summary>
    public static WebApplication RequireServiceKey(this WebApplication app, Action<ServiceKeyEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var options = new ServiceKeyEndpointOptions();
        configure?.Invoke(options);
        var verifier = app.Services.GetRequiredService<ServiceKeyVerifier>();
        if (!verifier.IsEnabled)
        {
            LogOpen(app.Logger, app.Environment.ApplicationName);
        }
        app.UseMiddleware<ServiceKeyMiddleware>(options);
        return app;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "ServiceAuth:Key is not set: {Service} accepts callers without a service key. The AppHost injects one; set ServiceAuth:Required=true to refuse to start without it.")]
    private static partial void LogOpen(ILogger logger, string service);
}
