using McpAspire.Dashboard.Api;
using McpAspire.Dashboard.Configuration;
using McpAspire.Dashboard.Mcp;
using McpAspire.Dashboard.Otlp;
using McpAspire.Dashboard.Pages;
using McpAspire.Dashboard.ResourceService;
using McpAspire.Dashboard.Security;
using McpAspire.Dashboard.Storage;
using McpAspire.ServiceDefaults.Health;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace McpAspire.Dashboard;

/// <summary>Builds the dashboard web app; <c>Program</c> and the tests both start it through here.</summary>
public static class DashboardWebApplication
{
    /// <summary>The URL the dashboard listens on when none is configured (Aspire's default port).</summary>
    public const string DefaultUrl = "http://localhost:18888";

    /// <summary>Creates the builder with the dashboard's services; extra settings override configuration (tests).</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(DashboardWebApplication).Assembly.GetName().Name,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"])
            && !builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<DashboardOptions>().Bind(builder.Configuration.GetSection(DashboardOptions.SectionName)).ValidateOnStart();
        services.AddOptions<ResourceServiceOptions>().Bind(builder.Configuration.GetSection(ResourceServiceOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        services.AddSingleton<IValidateOptions<ResourceServiceOptions>, DashboardOptionsValidator>();

        services.AddSingleton<SpanStore>();
        services.AddSingleton<LogStore>();
        services.AddSingleton<MetricStore>();
        services.AddSingleton<TelemetryResourceRegistry>();
        services.AddSingleton<TelemetryChangeFeed>();
        services.AddSingleton<OtlpIngestion>();
        services.AddSingleton<OtlpReceiver>();
        services.AddSingleton<BrowserToken>();
        // Transient: it holds the typed resource-service HttpClient, whose handler the factory must be free to rotate.
        services.AddTransient<DashboardMcpTools>();
        services.AddHttpClient<ResourceServiceClient>();
        services.AddProblemDetails();

        // Cookies only need to outlive the process as long as the token does (a new run prints a new token).
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        var unsecured = builder.Configuration.GetValue<bool>($"{DashboardOptions.SectionName}:{nameof(DashboardOptions.Unsecured)}");
        services.AddBrowserLogin(unsecured);
        // The ephemeral provider never touches the key ring, but the key-ring warm-up service would still create and
        // persist a key under the user profile at start-up; nothing here needs it.
        foreach (var warmUp in services.Where(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType?.FullName == "Microsoft.AspNetCore.DataProtection.Internal.DataProtectionHostedService").ToList())
        {
            services.Remove(warmUp);
        }

        builder.AddDefaultHealthChecks();
        return builder;
    }

    /// <summary>Builds the app and maps every endpoint.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        // The ServiceDefaults health endpoints, mapped here so they stay outside the browser login.
        app.MapHealthChecks(ServiceDefaultsExtensions.HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthResponseWriter.WriteAsync }).AllowAnonymous();
        app.MapHealthChecks(ServiceDefaultsExtensions.AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).AllowAnonymous();
        AssetEndpoints.Map(app);
        BrowserLogin.Map(app);
        OtlpReceiver.Map(app);
        McpEndpoint.Map(app);
        TelemetryApi.Map(app);
        ResourceEndpoints.Map(app);
        PageEndpoints.Map(app);
        app.MapGet("/api/info", (IOptions<DashboardOptions> options, IOptions<ResourceServiceOptions> rs) => Results.Json(
            new DashboardInfo(rs.Value.IsConfigured, rs.Value.Url?.ToString(), options.Value.Unsecured, !string.IsNullOrEmpty(options.Value.Otlp.ApiKey)),
            DashboardJsonContext.Default.DashboardInfo));

        BrowserLogin.LogLoginUrlOnStart(app);
        return app;
    }
}
