using McpAspire.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// OpenTelemetry wiring without OpenTelemetry.Extensions.Hosting (absent from this registry): the tracer and
/// meter providers are DI singletons, created when the host starts and disposed (so flushed) when it stops.
/// </summary>
public static class OpenTelemetryExtensions
{
    /// <summary>Activity sources every service listens to, besides its own.</summary>
    public static readonly IReadOnlyList<string> DefaultActivitySources = ["Microsoft.AspNetCore", "System.Net.Http", "McpAspire.*"];

    /// <summary>Meters every service collects, besides its own.</summary>
    public static readonly IReadOnlyList<string> DefaultMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics", "System.Net.Http", "System.Runtime", "McpAspire.*",
    ];

    /// <summary>
    /// Adds OTLP export of traces, metrics and logs when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and the
    /// server-span enrichment middleware always (so in-process listeners see the same spans).
    /// </summary>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = OtlpSettings.FromConfiguration(builder.Configuration, builder.Environment.ApplicationName);
        builder.Services.TryAddSingleton(settings);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, ServerSpanEnrichmentStartupFilter>());

        if (settings.Endpoint is null)
        {
            return builder;
        }

        var appSource = builder.Environment.ApplicationName;
        // Secrets are masked before anything leaves the process (tokens, keys, passwords; see Redaction/).
        // (The logger factory masks log calls already; the log processor also covers loggers created outside it.)
        var knownSecrets = McpAspire.ServiceDefaults.Redaction.KnownSecrets.FromConfiguration(builder.Configuration);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.SetResourceBuilder(CreateResource(settings));
            logging.AddProcessor(new McpAspire.ServiceDefaults.Redaction.RedactingLogProcessor(knownSecrets));
            logging.AddOtlpExporter((exporter, processor) =>
            {
                settings.Apply(exporter, "/v1/logs");
                if (settings.LogScheduleDelayMs is { } delay)
                {
                    processor.BatchExportProcessorOptions.ScheduledDelayMilliseconds = delay;
                }
            });
        });

        builder.Services.AddSingleton(_ => Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(CreateResource(settings))
            .AddSource([appSource, .. DefaultActivitySources])
            .AddProcessor(new McpAspire.ServiceDefaults.Redaction.RedactingActivityProcessor(knownSecrets))
            .AddOtlpExporter(exporter =>
            {
                settings.Apply(exporter, "/v1/traces");
                if (settings.SpanScheduleDelayMs is { } delay)
                {
                    exporter.BatchExportProcessorOptions.ScheduledDelayMilliseconds = delay;
                }
            })
            .Build());

        builder.Services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(CreateResource(settings))
            .AddMeter([appSource, .. DefaultMeters])
            .AddOtlpExporter((exporter, reader) =>
            {
                settings.Apply(exporter, "/v1/metrics");
                if (settings.MetricExportIntervalMs is { } interval)
                {
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                }
            })
            .Build());

        builder.Services.AddHostedService<TelemetryProvidersActivator>();
        return builder;
    }

    private static ResourceBuilder CreateResource(OtlpSettings settings) => ResourceBuilder.CreateEmpty()
        .AddService(settings.ServiceName, serviceInstanceId: settings.ResourceAttributes
            .FirstOrDefault(a => a.Key == "service.instance.id").Value as string ?? Environment.MachineName + "-" + Environment.ProcessId)
        .AddTelemetrySdk()
        .AddAttributes(settings.ResourceAttributes.Where(a => a.Key is not "service.instance.id"));

    private sealed class ServerSpanEnrichmentStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<ServerSpanEnrichmentMiddleware>();
            next(app);
        };
    }
}
