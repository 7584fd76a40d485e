using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace McpAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Flushes and shuts down the tracer, meter and logger providers once the host has stopped, all three at once and
/// within <see cref="SettingName"/> (default <see cref="DefaultTimeout"/>), before the container disposes them.
/// </summary>
/// <remarks>
/// Left to disposal, each provider flushes its last batch with the OTLP exporter's own deadline (10 s) and retries a
/// refused connection until then. When the Aspire AppHost stops, DCP stops the dashboard (the collector) and the services
/// at the same moment, so every service sat ~10 s in that flush and DCP killed it after its 6 s SIGTERM grace: the
/// AppHost's stop took 9 s instead of 3 s (bench apphost-start). A reachable collector takes milliseconds for the last
/// batch; an unreachable one gets nothing however long the service waits.
/// </remarks>
internal sealed class TelemetryShutdown : IHostedService
{
    /// <summary>Configuration key of the bound (a TimeSpan, e.g. <c>00:00:02</c>).</summary>
    public const string SettingName = "Telemetry:ShutdownTimeout";

    /// <summary>The bound when <see cref="SettingName"/> is not set.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);

    private readonly IServiceProvider _services;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeSpan _timeout;
    private CancellationTokenRegistration _registration;

    public TelemetryShutdown(IServiceProvider services, IHostApplicationLifetime lifetime, IConfiguration configuration)
    {
        _services = services;
        _lifetime = lifetime;
        _timeout = configuration.GetValue(SettingName, DefaultTimeout);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // ApplicationStopped fires after every hosted service has stopped, so their last logs and spans are in the batch.
        _registration = _lifetime.ApplicationStopped.Register(Shutdown);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Shutdown()
    {
        _registration.Dispose();
        var milliseconds = (int)Math.Clamp(_timeout.TotalMilliseconds, 0, int.MaxValue);
        // A provider's Shutdown waits at most this long for its exporter; a worker still retrying is a background
        // thread and does not hold the process. Disposal afterwards finds the providers shut down and does not flush again.
        var tasks = new List<Task>(3);
        if (_services.GetService<TracerProvider>() is { } tracer)
        {
            tasks.Add(Task.Run(() => tracer.Shutdown(milliseconds)));
        }
        if (_services.GetService<MeterProvider>() is { } meter)
        {
            tasks.Add(Task.Run(() => meter.Shutdown(milliseconds)));
        }
        if (_services.GetService<LoggerProvider>() is { } logger)
        {
            tasks.Add(Task.Run(() => logger.Shutdown(milliseconds)));
        }
        Task.WaitAll([.. tasks], _timeout + TimeSpan.FromMilliseconds(200));
    }
}
