using System.Diagnostics;
using System.Text.Json;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// Reads the <see cref="SystemStatus"/>: a PING, the agent list (one script, with queue lengths), the counters, and the
/// head of every non-empty mailbox pipelined in one batch — a fixed number of round trips whatever the agent count.
/// </summary>
internal sealed class SystemStatusReader
{
    private readonly IConnectionMultiplexer _redis;
    private readonly AgentStore _store;
    private readonly ErrorLog _errors;
    private readonly AgentOptions _options;
    private readonly TimeProvider _time;

    public SystemStatusReader(IConnectionMultiplexer redis, AgentStore store, ErrorLog errors, IOptions<AgentOptions> options, TimeProvider time)
    {
        _redis = redis;
        _store = store;
        _errors = errors;
        _options = options.Value;
        _time = time;
    }

    public async Task<SystemStatus> ReadAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        RedisStatus redis;
        try
        {
            var started = Stopwatch.GetTimestamp();
            await _redis.GetDatabase().PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            redis = new RedisStatus(true, Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 3), null);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Nothing else can be read: say so instead of failing the read.
            return new SystemStatus(false, new RedisStatus(false, null, ex.Message), new AgentCounts(0, 0), new QueueStatus(0, null, 0, 0, null),
                new AgentStats(0, 0, 0, 0, 0, 0, new Dictionary<string, long>(), 0, 0), new Dictionary<string, long>(), new Dictionary<string, long>(), 0, now);
        }
        var agents = await _store.ListAsync(null, null, cancellationToken).ConfigureAwait(false);
        var stats = await _store.StatsAsync(cancellationToken).ConfigureAwait(false);
        var errors = await _errors.TotalsAsync(cancellationToken).ConfigureAwait(false);
        var errorRate = await _errors.PerMinuteAsync(now, cancellationToken).ConfigureAwait(false);
        var waiting = agents.Where(a => a.QueueLength > 0).ToList();
        var deepest = waiting.MaxBy(a => a.QueueLength);
        var oldest = await OldestSentAtAsync(waiting, cancellationToken).ConfigureAwait(false);
        var queues = new QueueStatus(
            waiting.Sum(a => a.QueueLength),
            deepest?.Id,
            deepest?.QueueLength ?? 0,
            waiting.Count(a => a.QueueLength >= _options.MaxQueueLength),
            oldest is { } sent ? Math.Max(0, Math.Round((now - sent).TotalSeconds, 3)) : null);
        var active = agents.Count(a => a.Status == "active");
        return new SystemStatus(queues.Full == 0, redis, new AgentCounts(active, agents.Count - active), queues, stats, stats.RuleHits, errors, errorRate, now);
    }

    // The head of each mailbox is its oldest entry (FIFO); entries are "expiresMs|seq|json" with sentAt in the JSON.
    private async Task<DateTimeOffset?> OldestSentAtAsync(IReadOnlyList<AgentInfo> waiting, CancellationToken cancellationToken)
    {
        if (waiting.Count == 0)
        {
            return null;
        }
        var batch = _redis.GetDatabase().CreateBatch();
        var heads = waiting.Select(a => batch.ListGetByIndexAsync(_store.Keys.Mailbox(a.Id), 0)).ToList();
        batch.Execute();
        DateTimeOffset? oldest = null;
        foreach (var head in heads)
        {
            var entry = (string?)await head.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (entry is null || entry.Split('|', 3) is not [_, _, var json])
            {
                continue;
            }
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.TryGetProperty("sentAt", out var sentAt) && sentAt.TryGetInt64(out var ms))
            {
                var at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
                oldest = oldest is null || at < oldest ? at : oldest;
            }
        }
        return oldest;
    }
}
