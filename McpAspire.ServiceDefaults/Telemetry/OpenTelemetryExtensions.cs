using McpAspire.ServiceDefaults.Redaction;
using McpAspire.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// OpenTelemetry as Aspire's ServiceDefaults template wires it (OpenTelemetry.Extensions.Hosting, ASP.NET Core, HttpClient
/// and runtime instrumentation, <c>UseOtlpExporter()</c>), plus what is ours: the <c>McpAspire.*</c> sources and meters,
/// secret masking before export, and a sampler that keeps background chatter out of the trace list.
/// </summary>
public static class OpenTelemetryExtensions
{
    /// <summary>Activity sources every service listens to, besides its own and the instrumentations'.</summary>
    public static readonly IReadOnlyList<string> DefaultActivitySources = ["McpAspire.*"];

    /// <summary>Meters every service collects, besides the instrumentations'.</summary>
    public static readonly IReadOnlyList<string> DefaultMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics", "McpAspire.*",
    ];

    /// <summary>
    /// When <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, adds tracing, metrics and logging with OTLP export (endpoint, protocol — gRPC or http/protobuf —, headers, service
    /// name, resource attributes and batch delays from the standard <c>OTEL_*</c> settings).
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        // HttpClient's per-request "Start processing / Received response" lines are Information: noise in the
        // dashboard's structured logs. Configuration (Logging:LogLevel:System.Net.Http.HttpClient) still wins.
        // StackExchange.Redis logs every step of each connect at Information (~28 records per service start, each
        // written to the console, which DCP streams to the AppHost and the dashboard, and exported over OTLP): on this
        // 2-core machine that is CPU every service start competes for. Its warnings and errors still show.
        foreach (var category in (string[])["System.Net.Http.HttpClient", "StackExchange.Redis"])
        {
            if (builder.Configuration[$"Logging:LogLevel:{category}"] is null)
            {
                builder.Logging.AddFilter(category, LogLevel.Warning);
            }
        }
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // Nothing would leave the process: no providers, so requests pay for no activities or measurements nobody
            // reads (Aspire always sets the endpoint; a bare `dotnet run` or a benchmark does not).
            return builder;
        }

        // Secrets are masked before anything leaves the process (the logger factory masks log calls already; the log
        // processor also covers records created outside it).
        var knownSecrets = KnownSecrets.FromConfiguration(builder.Configuration);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.AddProcessor(new RedactingLogProcessor(knownSecrets));
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter([.. DefaultMeters, builder.Environment.ApplicationName]))
            .WithTracing(tracing => tracing
                .SetSampler(new QuietBackgroundSampler())
                .AddSource([builder.Environment.ApplicationName, .. DefaultActivitySources])
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation(o => o.EnrichWithHttpResponseMessage = ExpectedOutcomes.Enrich)
                .AddProcessor(new RedactingActivityProcessor(knownSecrets)))
            // Reads OTEL_EXPORTER_OTLP_ENDPOINT/_PROTOCOL/_HEADERS from configuration: Aspire injects a gRPC endpoint.
            .UseOtlpExporter();
        // The last batch is flushed within Telemetry:ShutdownTimeout (1 s), not the exporter's 10 s (TelemetryShutdown).
        builder.Services.AddHostedService<TelemetryShutdown>();
        return builder;
    }

    /// <summary>True for <c>/health</c> and <c>/alive</c>, which orchestrators poll every few seconds.</summary>
    internal static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(ServiceDefaultsExtensions.HealthEndpointPath, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(ServiceDefaultsExtensions.AlivenessEndpointPath, StringComparison.OrdinalIgnoreCase);
}
