using StackExchange.Redis;
using McpAspire.StateService.Changes;
using McpAspire.StateService.Client;
using McpAspire.StateService.Options;
using McpAspire.StateService.Storage;
using McpAspire.StateService.Telemetry;
using Microsoft.Extensions.Options;

namespace McpAspire.StateService.Background;

/// <summary>
/// Detects expired sessions without keyspace notifications (Garnet has none): walks the session index, announces
/// each expiry once on the change feed, refreshes the active-session gauge, and runs CleanupExpiredClients.
/// </summary>
public sealed partial class SessionSweeper : BackgroundService
{
    private const int BatchSize = 500;
    private readonly SessionStore _sessions;
    private readonly ClientStore _clients;
    private readonly ChangeFeed _feed;
    private readonly StateOptions _options;
    private readonly StateMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionSweeper> _logger;

    /// <summary>Creates the sweeper.</summary>
    public SessionSweeper(SessionStore sessions, ClientStore clients, ChangeFeed feed, IOptions<StateOptions> options, StateMetrics metrics, TimeProvider time, ILogger<SessionSweeper> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _sessions = sessions;
        _clients = clients;
        _feed = feed;
        _options = options.Value;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <summary>One sweep: expired sessions, then idle clients. Public so the admin endpoint and tests can run it.</summary>
    public async Task<(int Expired, int ClientsRemoved)> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var expired = await _sessions.SweepAsync(BatchSize, cancellationToken).ConfigureAwait(false);
        foreach (var sid in expired)
        {
            await _feed.PublishAsync(StateChangeTypes.SessionExpired, sid, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        _metrics.Expired(expired.Count);
        _metrics.SetActiveSessions(await _sessions.CountAllAsync(cancellationToken).ConfigureAwait(false));

        var removed = 0;
        if (_options.ClientMaxAge > TimeSpan.Zero)
        {
            var clients = await _clients.CleanupAllAsync(_options.ClientMaxAge, BatchSize, cancellationToken).ConfigureAwait(false);
            foreach (var (sid, name) in clients)
            {
                await _feed.PublishAsync(StateChangeTypes.ClientUnregistered, sid, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            removed = clients.Count;
        }
        if (expired.Count > 0 || removed > 0)
        {
            LogSwept(_logger, expired.Count, removed);
        }
        return (expired.Count, removed);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval, _time);
        do
        {
            try
            {
                await SweepOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException or RedisServerException)
            {
                _metrics.Failed();
                LogSweepFailed(_logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Sweep: {Expired} sessions expired, {Removed} idle clients removed")]
    private static partial void LogSwept(ILogger logger, int expired, int removed);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Sweep failed, retrying next interval: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}
