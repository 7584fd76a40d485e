using System.Runtime.InteropServices;
using McpAspire.Hosting.ApplicationModel;
using McpAspire.Hosting.Eventing;
using McpAspire.Hosting.Logging;
using McpAspire.Hosting.Notifications;
using McpAspire.Hosting.Orchestration;
using McpAspire.Hosting.Publishing;
using Microsoft.Extensions.Configuration;

namespace McpAspire.Hosting;

/// <summary>
/// A built application: <see cref="Run"/> starts every resource and blocks until Ctrl+C / SIGTERM, then stops them in
/// reverse dependency order; in publish mode it writes the manifest and returns.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly Orchestrator? _orchestrator;

    internal DistributedApplication(DistributedApplicationModel model, IConfiguration configuration, DistributedApplicationExecutionContext executionContext,
        AppHostSettings settings, IDistributedApplicationEventing eventing)
    {
        Model = model;
        Configuration = configuration;
        ExecutionContext = executionContext;
        Settings = settings;
        Eventing = eventing;
        ResourceLogs = new ResourceLoggerService();
        var initial = model.Resources.Where(r => r is not ParameterResource).Select(r => new ResourceSnapshot { Name = r.Name, Type = ResourceRunner.TypeName(r) });
        ResourceNotifications = new ResourceNotificationService(initial, ResourceLogs);
        if (executionContext.IsRunMode)
        {
            _orchestrator = new Orchestrator(model, settings, eventing, ResourceNotifications, ResourceLogs, TimeProvider.System);
        }
    }

    /// <summary>Creates a builder from the AppHost's command-line arguments.</summary>
    public static IDistributedApplicationBuilder CreateBuilder(string[] args) => CreateBuilder(new DistributedApplicationOptions { Args = args ?? [] });

    /// <summary>Creates a builder from options.</summary>
    public static IDistributedApplicationBuilder CreateBuilder(DistributedApplicationOptions options) => new DistributedApplicationBuilder(options);

    /// <summary>The resources.</summary>
    public DistributedApplicationModel Model { get; }

    /// <summary>The AppHost's configuration.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>Run or publish.</summary>
    public DistributedApplicationExecutionContext ExecutionContext { get; }

    /// <summary>The AppHost settings in force.</summary>
    public AppHostSettings Settings { get; }

    /// <summary>Lifecycle events.</summary>
    public IDistributedApplicationEventing Eventing { get; }

    /// <summary>State of every resource, and waits on it.</summary>
    public ResourceNotificationService ResourceNotifications { get; }

    /// <summary>Console output of every resource.</summary>
    public ResourceLoggerService ResourceLogs { get; }

    /// <summary>The resource service (dashboard API) base URL, once started.</summary>
    public Uri? ResourceServiceUrl => _orchestrator?.ResourceServiceUrl;

    /// <summary>The key the resource service expects in <c>x-resource-service-key</c>.</summary>
    public string? ResourceServiceApiKey => _orchestrator?.ResourceServiceApiKey;

    /// <summary>PID of the process-group watchdog (none on platforms without <c>setsid</c>).</summary>
    public int? WatchdogPid => _orchestrator?.WatchdogPid;

    /// <summary>Starts every resource (returns once they are launched or waiting; use <see cref="ResourceNotifications"/> to wait for health). In publish mode writes the manifest.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (ExecutionContext.IsPublishMode)
        {
            var output = Configuration["output-path"]!;
            await ManifestPublisher.WriteAsync(Model, output, cancellationToken).ConfigureAwait(false);
            Console.Out.WriteLine($"Wrote manifest to {Path.GetFullPath(output)}");
            return;
        }
        try
        {
            await _orchestrator!.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await _orchestrator!.StopAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops every resource: SIGTERM to each process group, SIGKILL after the stop timeout (or at once when
    /// <paramref name="cancellationToken"/> fires).
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default) => _orchestrator?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    /// <summary>Starts, waits for <paramref name="cancellationToken"/>, Ctrl+C or SIGTERM, then stops.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (ExecutionContext.IsPublishMode)
        {
            await StartAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            Console.Out.WriteLine($"{context.Signal} received: stopping resources…");
            shutdown.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        try
        {
            await StartAsync(shutdown.Token).ConfigureAwait(false);
        }
        catch (DistributedApplicationException ex)
        {
            // A problem the user can fix (port in use, WaitFor cycle…): say it plainly, no stack trace.
            Console.Error.WriteLine($"error: {ex.Message}");
            Environment.ExitCode = 1;
            return;
        }
        try
        {
            await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        Console.Out.WriteLine($"Stopped in {stopwatch.Elapsed.TotalSeconds:0.0} s.");
    }

    /// <summary>Blocking <see cref="RunAsync"/> for top-level AppHost programs.</summary>
    public void Run() => RunAsync().GetAwaiter().GetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_orchestrator is not null)
        {
            await _orchestrator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
