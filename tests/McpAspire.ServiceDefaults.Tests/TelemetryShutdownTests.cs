using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace McpAspire.ServiceDefaults.Tests;

public sealed class TelemetryShutdownTests
{
    /// <summary>
    /// When the AppHost stops, DCP stops the dashboard (the collector) with the services and SIGKILLs any service still
    /// running 6 s after SIGTERM. The OTLP exporter retries a refused connection for its whole 10 s deadline, so the
    /// last flush must be bounded (Telemetry:ShutdownTimeout): the providers are shut down, with that bound, as soon as
    /// the host has stopped, so disposal does not flush again with the exporter's deadline.
    /// </summary>
    [Fact]
    public async Task Providers_are_shut_down_when_the_host_stops_so_disposal_does_not_flush_again()
    {
        var service = await KestrelApp.StartAsync(
            b => b.AddServiceDefaults(),
            app =>
            {
                app.MapDefaultEndpoints();
                app.MapGet("/items/{id}", (string id, ILogger<TelemetryShutdownTests> log) =>
                {
                    log.LogInformation("item {Id}", id);
                    return $"item {id}";
                });
            },
            new Dictionary<string, string?>
            {
                // Nothing listens there: every export is refused, as after the dashboard has exited.
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://localhost:{FreePort.Next()}",
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
                ["OTEL_SERVICE_NAME"] = "catalog",
            });
        using (var client = ExternalClient.Create(service.Address))
        {
            Assert.Equal("item 7", await client.GetStringAsync(new Uri("/items/7", UriKind.Relative)));
        }

        var tracer = service.App.Services.GetRequiredService<TracerProvider>();
        var meter = service.App.Services.GetRequiredService<MeterProvider>();
        var logger = service.App.Services.GetRequiredService<LoggerProvider>();
        await service.App.StopAsync();

        // Only the first Shutdown of a provider does anything; a later one answers false.
        Assert.False(tracer.Shutdown(0), "the tracer provider was not shut down when the host stopped");
        Assert.False(meter.Shutdown(0), "the meter provider was not shut down when the host stopped");
        Assert.False(logger.Shutdown(0), "the logger provider was not shut down when the host stopped");
        await service.DisposeAsync();
    }
}
