using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>
/// Restarts a replica that dies on its own (state Exited or Finished with a non-zero exit code: a crash, an OOM kill, SIGKILL), which Aspire 13.6 does
/// not do for projects or executables. A replica stopped from the dashboard or by the AppHost's shutdown exits with 0 and stays down.
/// The first restart is immediate, later ones back off (0.5 s doubling, at most 15 s; the count resets after 30 s of running) through Aspire's own
/// <c>resource-start</c> command, so the dashboard shows them like a manual start.
/// </summary>
public static class RestartOnCrashExtensions
{
    private static readonly TimeSpan s_maxDelay = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_stableRun = TimeSpan.FromSeconds(30);

    /// <summary>Restarts every replica of the resource that exits with a non-zero code while the app runs.</summary>
    public static IResourceBuilder<T> WithRestartOnCrash<T>(this IResourceBuilder<T> builder) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>((e, ct) =>
        {
            if (builder.ApplicationBuilder.ExecutionContext.IsRunMode)
            {
                var lifetime = e.Services.GetRequiredService<IHostApplicationLifetime>();
                _ = WatchAsync(builder.Resource, e.Services, lifetime.ApplicationStopping);
            }
            return Task.CompletedTask;
        });
        return builder;
    }

    private static async Task WatchAsync(IResource resource, IServiceProvider services, CancellationToken stopping)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        var commands = services.GetRequiredService<ResourceCommandService>();
        var logger = services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
        var appLogger = services.GetRequiredService<ILoggerFactory>().CreateLogger("McpAspire.AppHost.RestartOnCrash");
        var handled = new Dictionary<string, DateTime?>(StringComparer.Ordinal);
        var attempts = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping).ConfigureAwait(false))
            {
                var snapshot = update.Snapshot;
                if (!ReferenceEquals(update.Resource, resource) || stopping.IsCancellationRequested)
                {
                    continue;
                }
                if (snapshot.State?.Text is not { } state || !KnownResourceStates.TerminalStates.Contains(state)
                    || snapshot.ExitCode is null or 0
                    || (handled.TryGetValue(update.ResourceId, out var seen) && seen == snapshot.StopTimeStamp))
                {
                    continue;
                }
                handled[update.ResourceId] = snapshot.StopTimeStamp;
                var ranFor = snapshot.StopTimeStamp - snapshot.StartTimeStamp;
                var attempt = ranFor >= s_stableRun ? 1 : attempts.GetValueOrDefault(update.ResourceId) + 1;
                attempts[update.ResourceId] = attempt;
                // The first restart at once (a crash after a stable run), then 0.5 s doubling for a crash loop.
                var delay = attempt == 1 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(s_maxDelay.TotalMilliseconds, 500 * Math.Pow(2, attempt - 2)));
                // On the replica's console log (the dashboard) and on the AppHost's console.
                logger.LogWarning("Replica {Replica} exited with code {ExitCode}; restarting in {Delay} (attempt {Attempt}).",
                    update.ResourceId, snapshot.ExitCode, delay, attempt);
                appLogger.LogWarning("Replica {Replica} exited with code {ExitCode}; restarting in {Delay} (attempt {Attempt}).",
                    update.ResourceId, snapshot.ExitCode, delay, attempt);
                _ = RestartAsync(commands, update.ResourceId, delay, logger, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The app is stopping: nothing to restart.
        }
    }

    private static async Task RestartAsync(ResourceCommandService commands, string resourceId, TimeSpan delay, ILogger logger, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(delay, stopping).ConfigureAwait(false);
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stopping).ConfigureAwait(false);
            if (!result.Success)
            {
                logger.LogError("Restarting {Replica} failed: {Error}", resourceId, result.Message);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The app is stopping.
        }
    }
}
