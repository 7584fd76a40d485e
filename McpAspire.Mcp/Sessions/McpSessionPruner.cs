using McpAspire.Mcp.Events;
using McpAspire.Mcp.Hosting;
using McpAspire.Mcp.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace McpAspire.Mcp.Sessions;

/// <summary>
/// Ends sessions idle longer than <see cref="McpEndpointOptions.SessionIdleTimeout"/>: live servers on this replica
/// (unless a GET stream is open), and, for the in-memory store, the records and their events.
/// </summary>
internal sealed partial class McpSessionPruner(
    IOptions<McpEndpointOptions> options,
    McpLiveSessionRegistry live,
    StreamableHttpEndpoint endpoint,
    IMcpSessionStore store,
    IMcpEventStore events,
    TimeProvider timeProvider,
    ILogger<McpSessionPruner> logger) : BackgroundService
{
    private readonly McpEndpointOptions _options = options.Value;

    /// <summary>Runs one pruning pass; returns how many sessions ended.</summary>
    internal async Task<int> PruneOnceAsync(CancellationToken cancellationToken)
    {
        var ended = 0;
        foreach (var session in live.All.ToList())
        {
            if (session.HasGetStream)
            {
                // A held-open GET stream is use: keep the record's idle expiry sliding (in any store) while it lasts.
                session.MarkActive();
                await store.TouchAsync(session.Id, cancellationToken).ConfigureAwait(false);
            }
            else if (session.IdleFor >= _options.SessionIdleTimeout && session.TryOpenGetStream())
            {
                await endpoint.EndSessionAsync(session.Id, cancellationToken).ConfigureAwait(false);
                ended++;
            }
        }
        if (store is InMemoryMcpSessionStore memory)
        {
            foreach (var id in memory.PruneIdle())
            {
                await live.RemoveAsync(id).ConfigureAwait(false);
                await events.DeleteSessionAsync(id, cancellationToken).ConfigureAwait(false);
                ended++;
            }
        }
        if (ended > 0)
        {
            LogPruned(logger, ended);
        }
        return ended;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PruneInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await PruneOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // A store that is down (503, Redis restarting) must not end the pruner: a faulted BackgroundService
                    // stops the host with exit code 0, which looks like a deliberate stop and is never restarted.
                    LogPassFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning MCP sessions failed; trying again at the next interval")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} idle MCP sessions")]
    private static partial void LogPruned(ILogger logger, int count);
}
