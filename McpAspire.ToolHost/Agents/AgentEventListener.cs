using StackExchange.Redis;
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
    private readonly MessageTypeRegistry _types;
    private readonly MessageRouter _router;
    private readonly ToolHostKeys _keys;
    private readonly ILogger<AgentEventListener> _logger;
    private readonly CancellationTokenSource _stopping = new();
    // Status notifications at most once a second (it changes on every message), the last change never left unannounced.
    private readonly StatusNotice _statusNotice;
    private volatile bool _subscribed;

    public AgentEventListener(IConnectionMultiplexer redis, MailboxSignals signals, ResourceNotifier notifier, MessageTypeRegistry types, MessageRouter router, IOptions<AgentOptions> options, TimeProvider time, ILogger<AgentEventListener> logger)
    {
        _redis = redis;
        _signals = signals;
        _notifier = notifier;
        _types = types;
        _router = router;
        _statusNotice = new StatusNotice(time, TimeSpan.FromSeconds(1), ct => NotifyAsync(SystemStatusResource.Uri, null, ct));
        _keys = new ToolHostKeys(options.Value.KeyPrefix);
        _logger = logger;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribe before the app takes requests, so the first changes are not missed; if Redis is not reachable yet,
        // ExecuteAsync keeps trying in the background and start-up goes on.
        _redis.ConnectionRestored += (_, _) => _signals.SignalAll();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await SubscribeAsync(timeout.Token).ConfigureAwait(false);
            _subscribed = true;
        }
        catch (Exception ex) when (ex is RedisException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogSubscribeFailed(_logger, ex);
        }
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!_subscribed && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
                await SubscribeAsync(stoppingToken).ConfigureAwait(false);
                _subscribed = true;
                // Changes made while unsubscribed were not heard: let every waiter look again, read types again.
                _signals.SignalAll();
                _types.Invalidate();
                _router.Invalidate();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException ex)
            {
                LogSubscribeFailed(_logger, ex);
            }
        }
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var channel = RedisChannel.Literal(_keys.Events);
        try
        {
            await _redis.GetSubscriber().SubscribeAsync(channel, (_, message) => OnChange((string?)message, _stopping.Token)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or OperationCanceledException)
        {
            // The client may keep a failed subscription's handler: drop it so a retry does not deliver every message twice.
            await _redis.GetSubscriber().UnsubscribeAsync(channel, null, CommandFlags.FireAndForget).ConfigureAwait(false);
            throw;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(RedisChannel.Literal(_keys.Events)).ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Redis is gone; nothing to undo.
        }
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _stopping.Dispose();
        base.Dispose();
    }

    private void OnChange(string? message, CancellationToken cancellationToken)
    {
        if (message is null)
        {
            return;
        }
        if (message == "types")
        {
            _types.Invalidate();
        }
        else if (message == "rules")
        {
            _router.Invalidate();
        }
        else if (message.StartsWith("mailbox:", StringComparison.Ordinal))
        {
            var id = message["mailbox:".Length..];
            _signals.Signal(id);
            _ = NotifyAsync("mailbox://" + id, null, cancellationToken);
            _statusNotice.Changed(cancellationToken);
        }
        else if (message.StartsWith("agent:", StringComparison.Ordinal))
        {
            var id = message["agent:".Length..];
            _signals.Signal(id);
            _ = NotifyAsync(AgentResources.AgentUriPrefix + id, AgentResources.ListUri, cancellationToken);
            _statusNotice.Changed(cancellationToken);
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
