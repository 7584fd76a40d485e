using McpAspire.Redis;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// Subscribes to the tool host's Redis events channel and turns each change into wake-ups for waiting receivers and
/// resource update notifications. One subscription per process, whatever the number of waiters.
/// </summary>
internal sealed partial class AgentEventListener : BackgroundService
{
    private readonly IConnectionMultiplexer _redis;
    private readonly MailboxSignals _signals;
    private readonly ResourceNotifier _notifier;
    private readonly ToolHostKeys _keys;
    private readonly ILogger<AgentEventListener> _logger;

    public AgentEventListener(IConnectionMultiplexer redis, MailboxSignals signals, ResourceNotifier notifier, IOptions<AgentOptions> options, ILogger<AgentEventListener> logger)
    {
        _redis = redis;
        _signals = signals;
        _notifier = notifier;
        _keys = new ToolHostKeys(options.Value.KeyPrefix);
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channel = RedisChannel.Literal(_keys.Events);
        // A reconnect may lose change messages: wake every waiter so it looks at its mailbox again.
        _redis.ConnectionRestored += (_, _) => _signals.SignalAll();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _redis.GetSubscriber().SubscribeAsync(channel, (_, message) => OnChange((string?)message, stoppingToken), cancellationToken: stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException ex)
            {
                LogSubscribeFailed(_logger, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(_keys.Events), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Redis is gone; nothing to undo.
        }
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    private void OnChange(string? message, CancellationToken cancellationToken)
    {
        if (message is null)
        {
            return;
        }
        if (message.StartsWith("mailbox:", StringComparison.Ordinal))
        {
            var id = message["mailbox:".Length..];
            _signals.Signal(id);
            _ = NotifyAsync("mailbox://" + id, null, cancellationToken);
        }
        else if (message.StartsWith("agent:", StringComparison.Ordinal))
        {
            var id = message["agent:".Length..];
            _signals.Signal(id);
            _ = NotifyAsync(AgentResources.AgentUriPrefix + id, AgentResources.ListUri, cancellationToken);
        }
    }

    private async Task NotifyAsync(string uri, string? alsoUri, CancellationToken cancellationToken)
    {
        try
        {
            await _notifier.NotifyAsync(uri, cancellationToken).ConfigureAwait(false);
            if (alsoUri is not null)
            {
                await _notifier.NotifyAsync(alsoUri, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // a failed notification must not tear down the listener
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogNotifyFailed(_logger, uri, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to the tool host events channel failed; retrying")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Resource update notification for {Uri} failed")]
    private static partial void LogNotifyFailed(ILogger logger, string uri, Exception exception);
}
