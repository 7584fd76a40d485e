using StackExchange.Redis;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// Marks agents that missed their heartbeats timed out and deletes them (record, mailbox, history) after
/// <see cref="AgentOptions.MailboxRetention"/>. Every replica may sweep; the script is atomic, so they never conflict.
/// </summary>
internal sealed partial class AgentSweeper : BackgroundService
{
    private const int Batch = 200;
    private readonly AgentStore _store;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AgentSweeper> _logger;

    public AgentSweeper(AgentStore store, IOptions<AgentOptions> options, TimeProvider time, ILogger<AgentSweeper> logger)
    {
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SweepInterval, _time);
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false))
        {
            try
            {
                IReadOnlyList<(char Kind, string Id)> changes;
                do
                {
                    changes = await _store.SweepAsync(Batch, stoppingToken).ConfigureAwait(false);
                    foreach (var (kind, id) in changes)
                    {
                        if (kind == 't')
                        {
                            LogTimedOut(_logger, id);
                        }
                        else
                        {
                            LogPurged(_logger, id);
                        }
                    }
                }
                while (changes.Count >= Batch);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (RedisException ex)
            {
                LogSweepFailed(_logger, ex);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} missed its heartbeats and is timed out")]
    private static partial void LogTimedOut(ILogger logger, string agentId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} and its mailbox were deleted after the retention period")]
    private static partial void LogPurged(ILogger logger, string agentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent sweep failed; retrying at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
