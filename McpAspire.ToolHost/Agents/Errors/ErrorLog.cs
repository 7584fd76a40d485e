using System.Text.Json;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// The error history in Redis, shared by every replica: the newest <see cref="AgentOptions.MaxErrorHistory"/> errors in
/// the <c>errors</c> list, a count per category and severity in <c>errors:counts</c>, and a count per minute
/// (<c>errors:minute:{unix minute}</c>, kept three minutes) for the error rate. Recording is one pipelined,
/// fire-and-forget batch: a failing call is not slowed (or failed again) by its own bookkeeping.
/// </summary>
internal sealed class ErrorLog
{
    private static readonly TimeSpan MinuteRetention = TimeSpan.FromMinutes(3);

    private readonly IConnectionMultiplexer _redis;
    private readonly ToolHostKeys _keys;
    private readonly AgentOptions _options;

    public ErrorLog(IConnectionMultiplexer redis, IOptions<AgentOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _redis = redis;
        _options = options.Value;
        _keys = new ToolHostKeys(_options.KeyPrefix);
    }

    public void Record(ToolError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var batch = _redis.GetDatabase().CreateBatch();
            _ = batch.ListLeftPushAsync(_keys.Errors, JsonSerializer.Serialize(error, AgentJsonContext.Default.ToolError), flags: CommandFlags.FireAndForget);
            _ = batch.ListTrimAsync(_keys.Errors, 0, _options.MaxErrorHistory - 1, CommandFlags.FireAndForget);
            _ = batch.HashIncrementAsync(_keys.ErrorCounts, error.Category + ":" + error.Severity, 1, CommandFlags.FireAndForget);
            var minute = _keys.ErrorMinute(error.At.ToUnixTimeSeconds() / 60);
            _ = batch.StringIncrementAsync(minute, 1, CommandFlags.FireAndForget);
            _ = batch.KeyExpireAsync(minute, MinuteRetention, CommandFlags.FireAndForget);
            batch.Execute();
        }
        catch (RedisException)
        {
            // Redis is what failed: the error reached the caller; the history cannot hold it.
        }
    }

    /// <summary>
    /// Errors per minute over the last minute, every replica's: the previous minute's count weighted by the part of it
    /// still inside the window, plus the current minute's (a sliding-window estimate from two counters).
    /// </summary>
    public async Task<double> PerMinuteAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var seconds = now.ToUnixTimeSeconds();
        var counts = await _redis.GetDatabase().StringGetAsync([(RedisKey)_keys.ErrorMinute(seconds / 60 - 1), _keys.ErrorMinute(seconds / 60)])
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        var intoMinute = (seconds % 60 + now.Millisecond / 1000.0) / 60;
        return Math.Round((long)counts[0] * (1 - intoMinute) + (long)counts[1], 2);
    }

    /// <summary>Errors counted since the keyspace was created, by <c>category:severity</c>.</summary>
    public async Task<IReadOnlyDictionary<string, long>> TotalsAsync(CancellationToken cancellationToken) =>
        (await _redis.GetDatabase().HashGetAllAsync(_keys.ErrorCounts).WaitAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(c => (string)c.Name!, c => (long)c.Value, StringComparer.Ordinal);

    /// <summary>The newest errors matching every filter given, and the totals.</summary>
    public async Task<ToolErrorReport> ReadAsync(string? agent, string? category, string? severity, DateTimeOffset? since, int max, CancellationToken cancellationToken)
    {
        var db = _redis.GetDatabase();
        var entries = db.ListRangeAsync(_keys.Errors);
        var counts = db.HashGetAllAsync(_keys.ErrorCounts);
        var errors = new List<ToolError>();
        foreach (var entry in await entries.WaitAsync(cancellationToken).ConfigureAwait(false))
        {
            var error = JsonSerializer.Deserialize((string)entry!, AgentJsonContext.Default.ToolError)!;
            if ((agent is null || error.Agent == agent) && (category is null || error.Category == category)
                && (severity is null || error.Severity == severity) && (since is null || error.At >= since))
            {
                errors.Add(error);
                if (errors.Count == max)
                {
                    break;
                }
            }
        }
        var totals = (await counts.WaitAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(c => (string)c.Name!, c => (long)c.Value, StringComparer.Ordinal);
        return new ToolErrorReport(errors, errors.Count, totals);
    }
}
