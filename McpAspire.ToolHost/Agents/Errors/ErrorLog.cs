using System.Text.Json;
using McpAspire.ToolHost.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace McpAspire.ToolHost.Agents;

/// <summary>
/// The error history in Redis, shared by every replica: the newest <see cref="AgentOptions.MaxErrorHistory"/> errors in
/// the <c>errors</c> list and a count per category and severity in <c>errors:counts</c>. Recording is one pipelined,
/// fire-and-forget batch: a failing call is not slowed (or failed again) by its own bookkeeping.
/// </summary>
internal sealed class ErrorLog
{
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
            batch.Execute();
        }
        catch (RedisException)
        {
            // Redis is what failed: the error reached the caller; the history cannot hold it.
        }
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
