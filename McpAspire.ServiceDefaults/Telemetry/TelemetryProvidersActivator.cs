using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace McpAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Resolves the tracer and meter providers when the host starts so listening begins before the first request;
/// the container disposes them at shutdown, which flushes the last batch.
/// </summary>
internal sealed class TelemetryProvidersActivator : IHostedService
{
    // Held only to force construction; the DI container owns disposal.
    private readonly TracerProvider _tracerProvider;
    private readonly MeterProvider _meterProvider;

    public TelemetryProvidersActivator(TracerProvider tracerProvider, MeterProvider meterProvider)
    {
        _tracerProvider = tracerProvider;
        _meterProvider = meterProvider;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        // Flush eagerly so spans of the last requests leave before the process exits.
        _tracerProvider.ForceFlush(2000);
        _meterProvider.ForceFlush(2000);
        return Task.CompletedTask;
    }
}
