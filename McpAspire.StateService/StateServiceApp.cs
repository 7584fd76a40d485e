using System.Text.Json;
using McpAspire.StateService.Api;
using McpAspire.StateService.Background;
using McpAspire.StateService.Changes;
using McpAspire.StateService.Client;
using McpAspire.StateService.Options;
using McpAspire.StateService.Storage;
using McpAspire.StateService.Telemetry;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.Options;

namespace McpAspire.StateService;

/// <summary>Builds the state service; <c>Program</c> runs it and tests start it on a free port.</summary>
public static class StateServiceApp
{
    /// <summary>Creates a configured, not yet started application.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        var state = builder.Configuration.GetSection(StateOptions.SectionName).Get<StateOptions>() ?? new StateOptions();
        // Ordinary requests are bounded by the Redis command timeout (no per-request timer on the hot path): a command
        // slower than State:DefaultRequestTimeout fails and the request gets 503.
        builder.AddDefaultRedisClient("redis", state.DefaultRequestTimeout);

        builder.Services.AddOptions<StateOptions>().Bind(builder.Configuration.GetSection(StateOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<StateOptions>, StateOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<StateMetrics>();
        builder.Services.AddSingleton<StateKeys>();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<ClientStore>();
        builder.Services.AddSingleton<EventLog>();
        builder.Services.AddSingleton<ConnectionStore>();
        builder.Services.AddSingleton<CatalogCache>();
        builder.Services.AddSingleton<ChangeFeed>();
        builder.Services.AddSingleton<ChangeBroadcaster>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChangeBroadcaster>());
        builder.Services.AddHealthChecks().AddCheck<ChangeFeedHealthCheck>("change-feed");
        builder.Services.AddSingleton<SessionSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SessionSweeper>());

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, StateJsonContext.Default));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StateExceptionHandler>();
        builder.Services.AddOpenApi();

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = state.MaxRequestBodyBytes);
        // Only multi-step endpoints (listing, cleanup, sweep) carry a request timeout of their own.
        builder.Services.AddRequestTimeouts(o => o.AddPolicy(StateTimeouts.Long, new RequestTimeoutPolicy
        {
            Timeout = state.LongRequestTimeout,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        }));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Only McpAspire services holding the AppHost's key get past here (health probes excepted).
        app.RequireServiceKey();
        app.UseRequestTimeouts();
        app.UseMiddleware<RedisAvailabilityMiddleware>();

        app.MapDefaultEndpoints();
        app.MapOpenApi();
        app.MapSessionEndpoints();
        app.MapClientEndpoints();
        app.MapEventEndpoints();
        app.MapConnectionEndpoints();
        app.MapCatalogEndpoints();
        app.MapChangeStream();
        app.MapAdminEndpoints();
        return app;
    }
}
