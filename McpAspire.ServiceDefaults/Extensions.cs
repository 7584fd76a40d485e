using McpAspire.ServiceDefaults.Health;
using McpAspire.ServiceDefaults.RequestGuard;
using McpAspire.ServiceDefaults.ServiceDiscovery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Http.Resilience;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The shared defaults every McpAspire service adds, in the shape of Aspire's ServiceDefaults project:
/// OpenTelemetry, health checks, service discovery, resilience and the service key for every factory <see cref="HttpClient"/>.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Configuration section of the standard HTTP resilience handler (<c>HttpStandardResilienceOptions</c>).</summary>
    public const string ResilienceSectionName = "Resilience:Http";

    /// <summary>Path of the readiness endpoint (all checks).</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Path of the liveness endpoint (checks tagged <c>live</c>).</summary>
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>Adds OpenTelemetry, default health checks, service discovery and HTTP resilience.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSecretRedaction(builder.Configuration);
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.AddSingleton<ServiceEndpointResolver>();
        builder.AddRequestGuard();
        builder.Services.AddServiceAuth(builder.Configuration);

        var resilience = builder.Configuration.GetSection(ResilienceSectionName);
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            // Resilience is the outer handler so every retry resolves the service name again. Settings bind from
            // Resilience:Http (HttpStandardResilienceOptions: TotalRequestTimeout, Retry, CircuitBreaker, AttemptTimeout).
            http.AddStandardResilienceHandler(o =>
            {
                resilience.Bind(o);
                // A POST may have done its work before the failure: only idempotent requests are retried.
                o.Retry.DisableForUnsafeHttpMethods();
            });
            // Outside discovery: the service-key decision sees the logical URI (http://statesvc) as well as concrete ones.
            http.AddHttpMessageHandler<McpAspire.ServiceDefaults.ServiceAuth.ServiceKeyHandler>();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Checks Host and Origin of every request before any endpoint runs (<see cref="RequestGuardMiddleware"/>); the
    /// <c>Security</c> section lists what is allowed besides loopback and same-origin.
    /// </summary>
    public static TBuilder AddRequestGuard<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(RequestGuardOptions.SectionName);
        builder.Services.AddOptions<RequestGuardOptions>()
            .Configure(o => RequestGuardOptions.Bind(o, section));
        // Validated here, at start-up, so a typo stops the service with a message naming the entry.
        var configured = new RequestGuardOptions();
        RequestGuardOptions.Bind(configured, section);
        if (configured.Validate() is { } message)
        {
            throw new InvalidOperationException(message);
        }
        builder.Services.AddTransient<IStartupFilter, RequestGuardStartupFilter>();
        return builder;
    }

    /// <summary>Adds a <c>self</c> liveness check so <c>/alive</c> answers while the process runs.</summary>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>Maps <c>/health</c> (all checks) and <c>/alive</c> (checks tagged <c>live</c>), each with a JSON body.</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions
        {
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        return app;
    }
}
